// The ptrace requests the stop handlers make, checked: a failure is either expected (the
// task died meanwhile: ESRCH) or reported once through Diagnostics, and every resume is
// in the debug trace. Requests are only accepted from the thread that seized the tree.
#pragma once

#include <sys/ptrace.h>
#include <sys/types.h>

#include <csignal>
#include <optional>

#include "base/diagnostics.h"

namespace sigvisor {

// How a stopped task goes on.
enum class Resume : uint8_t {
  cont,     // PTRACE_CONT: run until the next event
  syscall,  // PTRACE_SYSCALL: also stop at the next syscall entry or exit
  listen,   // PTRACE_LISTEN: stay in the group stop, but report SIGCONT and events
  detach,   // PTRACE_DETACH: no longer traced
  none,     // the handler already resumed the task itself
};

class PtraceOps {
 public:
  explicit PtraceOps(Diagnostics& diag) : diag_(diag) {}
  bool resume(pid_t pid, Resume how, int sig = 0);
  // PTRACE_INTERRUPT (seized tasks): the task reports a stop soon.
  bool interrupt(pid_t pid);
  std::optional<unsigned long> event_msg(pid_t pid);
  bool siginfo(pid_t pid, siginfo_t& si);
  // PTRACE_GET_SYSCALL_INFO; false when it fails or says nothing.
  bool syscall_info(pid_t pid, __ptrace_syscall_info& info);

 private:
  Diagnostics& diag_;
};

}  // namespace sigvisor
