// See syscall_regs.h. x86_64: orig_rax holds the number, rax the result. Other
// architectures report "unsupported" and the caller fails closed.
#include "kernel/registers.h"

#include <sys/ptrace.h>
#include <sys/user.h>

namespace sigvisor {

#if defined(__x86_64__)
bool skip_syscall(pid_t tid) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.orig_rax = static_cast<unsigned long long>(-1);
  return ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}

bool set_return(pid_t tid, long value) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.rax = static_cast<unsigned long long>(value);
  return ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}
#else
bool skip_syscall(pid_t) {
  return false;
}
bool set_return(pid_t, long) {
  return false;
}
#endif

}  // namespace sigvisor
