// Architecture-specific register access for a task stopped under ptrace: the syscall it
// is stopped in (number, arguments, return register), skipping a syscall at its entry
// stop, setting the return value, and where rt_sigreturn finds the mask it restores. The
// only file that knows register layouts; other architectures report "unsupported" and
// callers fail closed.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>

namespace sigvisor {

struct StoppedSyscall {
  long nr = -1;       // the syscall number (orig_rax on x86_64); -1 when not in a syscall
  long result = 0;    // the return register now (e.g. -ERESTARTSYS at a signal stop)
  uint32_t arch = 0;  // AUDIT_ARCH_* of the call
  std::array<uint64_t, 6> args{};  // in the calling ABI's argument order
};

// The syscall the stopped task `tid` is in; nullopt when it cannot be read.
std::optional<StoppedSyscall> stopped_syscall(pid_t tid);
// Makes the stopped syscall not run (its number becomes -1). False where unsupported.
bool skip_syscall(pid_t tid);
// At a seccomp or syscall-entry stop: the syscall does not run and returns -err (one
// register write: the kernel leaves the return register alone for a skipped call).
bool refuse_syscall(pid_t tid, int err);
// Sets the return value the tracee will see (exit stop, or a signal stop in a syscall).
bool set_return(pid_t tid, long value);
// Where rt_sigreturn finds the mask it restores, relative to the stack pointer at the
// syscall (strace's arch_rt_sigframe.c + offsetof(uc.uc_sigmask)); nullopt if unknown.
std::optional<int64_t> sigreturn_mask_offset(uint32_t arch);

}  // namespace sigvisor
