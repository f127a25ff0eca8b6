// See registers.h. x86_64: orig_rax holds the number, rax the result; native arguments in
// rdi rsi rdx r10 r8 r9, i386 ones (int 0x80) in ebx ecx edx esi edi ebp.
#include "kernel/registers.h"

#include <sys/ptrace.h>
#include <sys/user.h>

#include <linux/audit.h>

#include <cstring>

namespace sigvisor {

#if defined(__x86_64__)
std::optional<StoppedSyscall> stopped_syscall(pid_t tid) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return std::nullopt;
  StoppedSyscall s;
  s.nr = static_cast<long>(regs.orig_rax);
  s.result = static_cast<long>(regs.rax);
  __ptrace_syscall_info info;
  std::memset(&info, 0, sizeof info);
  if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) return std::nullopt;
  s.arch = info.arch;
  s.args =
      info.arch == AUDIT_ARCH_X86_64
          ? std::array<uint64_t, 6>{regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9}
          : std::array<uint64_t, 6>{regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi, regs.rbp};
  return s;
}

bool skip_syscall(pid_t tid) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.orig_rax = static_cast<unsigned long long>(-1);
  return ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}

bool refuse_syscall(pid_t tid, int err) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.orig_rax = static_cast<unsigned long long>(-1);
  regs.rax = static_cast<unsigned long long>(-static_cast<long>(err));
  return ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}

bool set_return(pid_t tid, long value) {
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.rax = static_cast<unsigned long long>(value);
  return ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}

// x86_64: the handler's `ret` popped pretcode, so the rt_sigframe starts at sp - 8;
// uc_sigmask follows uc_flags, uc_link, uc_stack (24) and uc_mcontext (256):
// 8 + 8 + 8 + 24 + 256 - 8.
std::optional<int64_t> sigreturn_mask_offset(uint32_t arch) {
  if (arch == AUDIT_ARCH_X86_64) return 296;
  return std::nullopt;
}
#else
std::optional<StoppedSyscall> stopped_syscall(pid_t) {
  return std::nullopt;
}
bool skip_syscall(pid_t) {
  return false;
}
bool refuse_syscall(pid_t, int) {
  return false;
}
bool set_return(pid_t, long) {
  return false;
}
std::optional<int64_t> sigreturn_mask_offset(uint32_t) {
  return std::nullopt;
}
#endif

}  // namespace sigvisor
