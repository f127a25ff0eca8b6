// Runs one program (or attached processes) under supervision, start to end, on the engine
// the options choose: today the notify engine (engine/notify/notify_engine.h: seccomp user
// notification for every call, ptrace for the tree).
#pragma once

#include "base/result.h"
#include "run/run_options.h"

namespace sigvisor {

// Returns how sigvisor should exit (the program's own status or death, kAbortExitStatus
// after a policy abort, 124 after --timeout, 128+N after signal N to sigvisor itself
// killed the tree), or an error when supervision could not start or an output could not
// be written.
Result<ExitPlan> run_supervised(const SupervisorOptions& opts);

}  // namespace sigvisor
