// The one path every intercepted call takes, wherever it was caught (a seccomp
// notification, a ptrace seccomp or syscall stop, a wait interrupted in the notification
// queue): read what it points at, name the caller and the target, decide, record, enforce,
// answer. What differs between the sources is only how the call is answered and whether
// it is still waiting: the CallPort (Sandbox2's Syscall + TraceAction split).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>

#include "events/event.h"
#include "run/run_state.h"

namespace sigvisor {

class CallPort {
 public:
  virtual ~CallPort() = default;
  // Whether the call still waits for our answer. A notification vanishes when its task
  // dies, and its tid can then be recycled: what was read from the tid is only trusted
  // once this says yes. A task stopped under ptrace cannot vanish: always true.
  virtual bool still_pending() = 0;
  // Lets the call run (allow, log) or refuses it with the decision's errno. False when
  // the call vanished before the answer reached it.
  virtual bool answer(const Decision& d) = 0;
};

// A call read, resolved and decided, not yet recorded or answered.
struct PreparedCall {
  SyscallEvent ev;
  Decision decision;
  bool confirmed = false;  // still_pending() was asked after the reads and said yes
  std::optional<std::chrono::steady_clock::time_point> started;  // -c time from here
};

// Reads the input pointers and the fd target of the call in `c.ev.call` (its number,
// architecture and registers filled in, nothing else) made by thread `tid`, names the
// caller and the target, and decides (built-in protection, then the policy). A refusal
// sets the call's result to -errno unless it already has one (a wait that was interrupted
// keeps its EINTR). False when the call vanished while it was read. rt_sigreturn is only
// decoded, never policed (it ends a handler): its decision is always allow. Filled in
// place: a call is ~1 KB and the hot path copies it once, into the event queue.
bool prepare_call(pid_t tid, PreparedCall& c, CallPort& port, RunState& sv);

// Records the call (before the answer: its event must precede any delivery it causes),
// enforces `kill`/`abort` (before the answer too: the caller must never run on with a
// refused call's result — a shell would exit 1 on EPERM and race the SIGKILL; and never
// against a recycled pid), then answers, and accounts its time for -c.
void conclude_call(PreparedCall& c, CallPort& port, RunState& sv);

}  // namespace sigvisor
