// The ptrace side: follows every fork/clone/exec/exit of the tree, reports signal
// deliveries with their sender, keeps job control (group stops) working via
// PTRACE_LISTEN, and in --results mode decides SECCOMP_RET_TRACE'd calls at their
// entry stop and records them with their result at the exit stop.
#pragma once

#include <sys/types.h>

#include "supervise/run_state.h"

namespace sigvisor {

// Options for PTRACE_SEIZE of the launched program (children inherit them).
long ptrace_options();

// Runs until no traced task is left. Returns the launched program's wait status.
int run_ptrace_loop(RunState& sv);

}  // namespace sigvisor
