// See front_end.h.
#include "engine/notify/front_end.h"

#include <cstdio>

#include "engine/notify/attach_source.h"
#include "engine/notify/launch_source.h"
#include "run/run_frame.h"

namespace sigvisor {

Result<std::unique_ptr<TraceeSource>> make_tracee_source(
    const SupervisorOptions& opts, const FilterSpec& filter, const sigset_t& program_mask,
    const std::vector<Disposition>& program_dispositions, const PtyChildSide* pty) {
  if (!opts.attach.empty()) {
    // A Landlock domain, like a filter, can only be entered by a process itself.
    if (opts.landlock && opts.policy->forbids_outside()) {
      warn_no_backstop(opts, "Landlock cannot be added to a running process (-p)");
    }
    return std::unique_ptr<TraceeSource>(
        std::make_unique<AttachSource>(opts.attach, opts.messages));
  }
  LaunchOptions lo;
  lo.argv = opts.argv;
  lo.filter = filter;
  lo.child_sigmask = program_mask;
  lo.child_dispositions = program_dispositions;
  lo.run_as = opts.run_as;
  lo.pty = pty;
  lo.no_new_privs = needs_no_new_privs(opts.policy->requires_user());
  auto source = std::make_unique<LaunchSource>(std::move(lo));
  if (auto st = source->prepare(); !st) return st.error();
  source->set_landlock_ruleset(landlock_for(opts));
  return std::unique_ptr<TraceeSource>(std::move(source));
}

ExitPlan attach_exit_plan(const RunEnd& end) {
  if (end.end_status == 0) return ExitPlan{0, 0};
  const int sig = end.cause == RunEnd::Cause::fatal_signal ? end.signal : 0;
  return ExitPlan{end.end_status, sig};
}

}  // namespace sigvisor
