// What a run was asked for (the command line's options, as the library takes them) and how
// sigvisor ends once it is over. Shared by both engines (engine/supervisor.h chooses one).
#pragma once

#include <sys/types.h>

#include <bitset>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "names/syscall_table.h"
#include "policy/policy.h"
#include "run/run_as.h"

namespace sigvisor {

// Which engine runs the trace (--engine): the kernel engine (eBPF: membership, calls and
// senders recorded in the kernel; root, BTF) or the notify engine (seccomp user notification
// for every call, ptrace for the tree); auto: the kernel engine where it can honour the
// whole request, else notify.
enum class Engine : uint8_t { auto_, kernel, notify };

struct SupervisorOptions {
  Engine engine = Engine::auto_;
  // Who chose `engine`: "--engine", "SIGVISOR_ENGINE", or "" (the default).
  std::string engine_chosen_by;
  // Why this engine runs, for its `engine` event (filled in by the selector).
  std::string engine_reason;
  uint32_t buffer_bytes = 8u << 20;  // --buffer: the kernel engine's ring buffer
  std::vector<std::string> argv;
  std::optional<RunAs> run_as;     // --user: run the program as this user
  std::vector<pid_t> attach;       // -p: running processes to attach to instead of argv
  std::FILE* text = nullptr;       // strace-style output, or nullptr
  bool text_is_file = false;       // strace -o: every line gets the [pid N] prefix
  std::FILE* json = nullptr;       // JSON Lines output, or nullptr
  std::bitset<kSysCount> printed;  // -e trace=SET
  std::bitset<kSysCount> results;  // --results: decided at ptrace stops, results known
  bool summary = false;            // -c
  const Policy* policy = nullptr;
  std::string policy_source;     // file path or "builtin"
  double timeout_s = 0;          // --timeout: signal the whole tree after this long; 0: never
  int timeout_signal = SIGTERM;  // --timeout-signal
  double kill_after_s = 0;       // --kill-after: SIGKILL what is left this long after the
                                 // timeout or a signal passed on to the program; 0: never
  // Kernel backstop (landlock.h) when the policy forbids outside targets; --no-landlock.
  bool landlock = true;
  // The kernel trace (src/engine/notify/ktrace/): senders of SIGKILL and of signals from outside,
  // where root and tracefs allow; --no-kernel-trace.
  bool kernel_trace = true;
  // When stdin is a terminal, the program runs on a pseudo-terminal of its own relayed by
  // sigvisor (pty_relay.h): the policy's "terminal": "relay", --pty, --no-pty.
  bool relay_terminal = false;
  std::FILE* messages = stderr;  // sigvisor's own one-line notes (timeout, fatal signal)
  std::string graph_file;        // --graph: who-signalled-whom DOT (and SVG); empty: none
};

// How sigvisor should end: as its program did. When the program was killed by signal N,
// sigvisor re-raises N on itself (as strace does) so that its parent sees WIFSIGNALED;
// `status` (128+N) is the fallback where that is impossible.
struct ExitPlan {
  int status = 0;  // the exit code to use (when `signal` is 0, or did not kill us)
  int signal = 0;  // the signal to re-raise, or 0
};

// Ends sigvisor as `plan` says: re-raises the signal (no core file: sigvisor's own core
// would be useless and could overwrite the program's), else returns the status.
int exit_as(const ExitPlan& plan);

}  // namespace sigvisor
