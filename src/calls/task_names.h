// Current names (issue 14): a task's name changes by prctl(PR_SET_NAME) — intercepted for
// this — and by exec (lifecycle_stops.cc). The table takes the new name when the call is
// concluded, before the task is answered, so the task's next event already carries it.
// (Writing /proc/self/comm renames a task unseen; the next ptrace stop refreshes it.)
#pragma once

#include "events/event.h"
#include "run/run_state.h"

namespace sigvisor {

// If `ev` is an allowed prctl(PR_SET_NAME) whose name was read (and, when known, that
// succeeded), the caller's thread takes that name in the table.
void apply_rename(const SyscallEvent& ev, bool refused, RunState& sv);

}  // namespace sigvisor
