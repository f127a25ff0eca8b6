// The notify engine: every routed call reaches sigvisor through seccomp user notification
// (calls/notify_loop.h), and ptrace follows the tree (forks, execs, exits, signal-delivery
// stops: the stop dispatcher). Launch (filter + PTRACE_SEIZE) or attach (-p: ptrace only).
// Works for any user on any kernel with seccomp user notification (5.0+).
#pragma once

#include "base/result.h"
#include "run/run_options.h"

namespace sigvisor {

// One run on this engine, start to end: see engine/supervisor.h for what it returns.
Result<ExitPlan> run_notify_engine(const SupervisorOptions& opts);

}  // namespace sigvisor
