// Chooses the front end from the options (tracee_source.h): launch the program (the fast
// path: seccomp filter + ptrace) or attach to running processes (-p: ptrace only), and
// says how sigvisor exits after each.
#pragma once

#include <csignal>
#include <memory>

#include "base/result.h"
#include "calls/filter_plan.h"
#include "engine/notify/tracee_source.h"
#include "run/launcher.h"
#include "run/run_end.h"
#include "run/run_options.h"

namespace sigvisor {

// `filter`: what a launched program's filter routes (plan_filter(filter_inputs(opts)));
// attach mode has none. `program_mask`: the signal mask a launched program starts with
// (sigvisor's own, before it blocked the signals it reads). A launch front end has its
// filter built (a bad filter fails here, before anything runs) and its Landlock ruleset
// made.
// `program_dispositions`: the signal dispositions it starts with (those sigvisor changed
// for itself, as its caller left them). `pty`: the program's own pseudo-terminal
// (pty_relay.h), or nullptr.
Result<std::unique_ptr<TraceeSource>> make_tracee_source(
    const SupervisorOptions& opts, const FilterSpec& filter, const sigset_t& program_mask,
    const std::vector<Disposition>& program_dispositions, const PtyChildSide* pty = nullptr);

// How sigvisor exits after attach mode, as strace -p does: 0 once the processes exited
// or were let go of (their statuses belong to their parents); the status of whatever
// ended the run (124 --timeout, 125 policy abort); killed by the same signal (core dumps
// off) when a signal to sigvisor made it detach.
ExitPlan attach_exit_plan(const RunEnd& end);

}  // namespace sigvisor
