// Architecture-specific register surgery for --results mode denials: skip a syscall at
// its seccomp entry stop and set its return value at the exit stop.
#pragma once

#include <sys/types.h>

namespace sigvisor {

// Makes the stopped syscall not run (its number becomes -1). False where unsupported.
bool skip_syscall(pid_t tid);
// Sets the return value seen by the tracee at a syscall-exit stop.
bool set_return(pid_t tid, long value);

}  // namespace sigvisor
