// Calls through an ABI sigvisor does not decode: every x32 call (nr | 0x40000000 from an
// x86_64 process) and the i386 signal calls the filter does not route (their compat
// layouts: sigset sizes, struct sigaction, stack_t, siginfo). The filter stops them for
// ptrace with kForeignAbiTraceData; here they are refused with ENOSYS — what a kernel
// without that ABI answers — and recorded, under every policy. Before, the filter killed
// the caller with SIGSYS and nothing said why.
#pragma once

#include <sys/ptrace.h>
#include <sys/types.h>

#include "engine/notify/stop_context.h"

namespace sigvisor {

// Whether the seccomp stop described by `info` is a foreign-ABI refusal of the filter's.
bool is_foreign_refusal(const __ptrace_syscall_info& info);

// Refuses the call the task `tid` is stopped in (ENOSYS) and records it. When the call
// cannot be refused (registers unwritable) the caller's process is killed: fail closed.
void refuse_foreign_call(pid_t tid, const __ptrace_syscall_info& info, StopContext& c);

}  // namespace sigvisor
