// The kernel engine's wait for the tree: sigvisor is the program's parent and a child
// subreaper (orphans of the tree are re-parented to it, as to a container's init), so it
// reaps every process until none is left. A job-control stop of the launched program (^Z,
// a background read; not a plain SIGSTOP) goes to the job-control proxy, which stops sigvisor too
// and continues the job with it, as the notify engine does from its ptrace group stops.
#pragma once

#include <sys/types.h>

#include <functional>

#include "terminal/job_control.h"

namespace sigvisor {

// Makes sigvisor a child subreaper (PR_SET_CHILD_SUBREAPER); before the program starts.
bool become_subreaper();

// Reaps sigvisor's children until it has none. `root`: the program's process (its stops
// go to `job`, when there is one). Returns the root's wait status as waitpid gave it, or -1
// when the root was not sigvisor's own child (a pty session keeper's) or never exited.
// `reaped`, when set, hears of each process reaped (sigvisor's helpers among them).
int reap_tree(pid_t root, JobControl* job, const std::function<void(pid_t)>& reaped = {});

}  // namespace sigvisor
