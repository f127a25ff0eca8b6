// See filter_plan.h.
#include "calls/filter_plan.h"

namespace sigvisor {
namespace {

using SysSet = std::bitset<kSysCount>;

SysSet where(bool (*pred)(const SyscallSpec&)) {
  SysSet out;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (pred(spec(static_cast<Sys>(i)))) out.set(i);
  }
  return out;
}

// Calls that carry a target: never left in the kernel, whatever was asked for — the
// built-in protection and sender attribution need them. Except setpgid (pgrp): joining a
// group reaches nobody, the built-in protection does not refuse it, so it is routed only
// when printed or when a policy rule can decide it.
SysSet target_families() {
  return where(
      [](const SyscallSpec& s) { return has_target(s.family) && s.family != Family::pgrp; });
}

std::string names(const SysSet& set) {
  if (set.none()) return "none";
  std::string out;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (!set.test(i)) continue;
    if (!out.empty()) out += ',';
    out += spec(static_cast<Sys>(i)).name;
  }
  return out;
}

}  // namespace

FilterSpec plan_filter(const FilterInputs& in) {
  constexpr auto kSigreturn = static_cast<std::size_t>(Sys::rt_sigreturn);
  // Decisions: a refusal (printed or not), a logged event. rt_sigreturn ends a handler and
  // is never decided, whatever a rule says.
  SysSet needed = target_families() | in.policy.may_refuse | (in.policy.may_log & in.printed);
  needed.reset(kSigreturn);
  // Records: an allowed call's event, a row of -c.
  if (in.record == Record::all) needed |= in.printed;
  if (in.summary) needed.set();
  // rt_sigreturn is shown (decoded, with its result) only when --results asks for it, as
  // strace shows it: a notification could not tell anything about it.
  if (!in.results.test(kSigreturn)) needed.reset(kSigreturn);
  FilterSpec f;
  f.trace = needed & in.results;
  f.notify = needed & ~in.results;
  return f;
}

FilterInputs filter_inputs(const SupervisorOptions& opts) {
  FilterInputs in;
  in.printed = opts.printed;
  in.results = opts.results;
  in.summary = opts.summary;
  in.record = opts.policy->record();
  in.policy = opts.policy->call_actions();
  return in;
}

std::string describe_filter(const FilterSpec& f) {
  return "notify " + names(f.notify) + "; trace " + names(f.trace);
}

}  // namespace sigvisor
