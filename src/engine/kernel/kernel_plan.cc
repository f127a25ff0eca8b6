// See kernel_plan.h.
#include "engine/kernel/kernel_plan.h"

#include <algorithm>
#include <vector>

#include "kernel/registers.h"
#include "kernel/syscall_arch.h"

namespace sigvisor {
namespace {

using SysSet = std::bitset<kSysCount>;

SysSet target_families() {
  SysSet out;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const Family f = spec(static_cast<Sys>(i)).family;
    if (has_target(f) && f != Family::pgrp) out.set(i);
  }
  return out;
}

// The rule for one argument: its direction and how many bytes the notify engine reads
// (pointee_size: a constant, or the sigset size argument capped at 128).
sv_arg_rule arg_rule(const SyscallSpec& s, int i) {
  sv_arg_rule r{};
  const Arg kind = s.args[i];
  r.dir = is_in_pointer(kind) ? SV_PTR_IN : is_out_pointer(kind) ? SV_PTR_OUT : SV_PTR_NONE;
  r.size_arg = 0xff;
  if (r.dir == SV_PTR_NONE) return r;
  if (kind == Arg::sigset_in || kind == Arg::sigset_out) {
    for (int k = 0; k < s.nargs; ++k) {
      if (s.args[k] == Arg::size) r.size_arg = static_cast<uint8_t>(k);
    }
    r.size = SV_PTR_BYTES;  // the size argument, capped
    if (r.size_arg == 0xff) r.size = 8;
    return r;
  }
  r.size = static_cast<uint16_t>(pointee_size(kind, {}, s));
  return r;
}

int arg_index(const SyscallSpec& s, Arg kind) {
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == kind) return i;
  }
  return -1;
}

// Which calls of the syscall the programs record: as the notify engine's filter routes
// them (seccomp_filter.cc), so both engines show the same calls.
void add_condition(const SyscallSpec& s, sv_sys_rule& rule) {
  const int positive = std::max(arg_index(s, Arg::pid_or_self), arg_index(s, Arg::pgid));
  if (positive >= 0) {
    rule.cond = SV_COND_POSITIVE;
    rule.cond_arg = static_cast<uint8_t>(positive);
    return;
  }
  if (s.family != Family::indirect) return;
  rule.cond = SV_COND_COMMAND;
  rule.cond_arg = static_cast<uint8_t>(std::max(arg_index(s, Arg::command), 0));
  rule.by_arg = static_cast<uint8_t>(std::max(arg_index(s, Arg::by_command), 0));
  for (const IndirectCommand& c : indirect_commands()) {
    if (c.sys != s.id || rule.ncmds >= SV_MAX_CMDS) continue;
    sv_command& k = rule.cmds[rule.ncmds++];
    k.cmd = c.cmd;
    k.has_only_arg = c.only_arg.has_value() ? 1 : 0;
    k.only_arg = c.only_arg.value_or(0);
    k.by_dir = is_in_pointer(c.arg) ? SV_PTR_IN : SV_PTR_NONE;
    k.by_size = static_cast<uint16_t>(pointee_size(c.arg, {}, s));
  }
}

}  // namespace

KernelPlan plan_kernel(const FilterInputs& in, const ConstantGuard& guard) {
  KernelPlan p;
  p.filter.notify = target_families() | in.policy.may_refuse;
  p.filter.notify.reset(static_cast<std::size_t>(Sys::rt_sigreturn));
  if (guard.enabled) {
    // tgkill and rt_tgsigqueueinfo reach sigvisor only through its own thread group id (the
    // kernel checks the thread belongs to it). kill and rt_sigqueueinfo are not guarded:
    // any of sigvisor's thread ids names its whole group there, and its threads start after
    // the filter is built.
    const std::vector<uint32_t> tgid_values = {static_cast<uint32_t>(guard.supervisor)};
    for (Sys s : {Sys::tgkill, Sys::rt_tgsigqueueinfo}) {
      const auto i = static_cast<std::size_t>(s);
      if (in.policy.may_refuse.test(i)) continue;
      p.filter.notify.reset(i);
      p.filter.notify_if_arg0[s] = tgid_values;
      p.completed.set(i);
    }
  }
  // What the notify engine would route for the outputs (notify and trace alike: every
  // result is known here). rt_sigreturn ends every handler: recorded only when --results
  // asks for it, as the notify engine shows it.
  const FilterSpec wanted = plan_filter(in);
  p.recorded = (wanted.notify | wanted.trace) & ~p.filter.notify;
  // Decided calls come back from the kernel with their results when an output shows them,
  // or when -c counts their errors.
  p.completed |= in.summary ? p.filter.notify : (p.filter.notify & in.printed);
  return p;
}

std::vector<NumberedRule> bpf_sys_rules(const std::bitset<kSysCount>& recorded) {
  std::vector<NumberedRule> out;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (!recorded.test(i)) continue;
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    if (s.native_nr < 0 || s.native_nr >= SV_MAX_NR) continue;
    NumberedRule n{};
    n.nr = static_cast<uint32_t>(s.native_nr);
    n.rule.record = 1;
    for (int a = 0; a < s.nargs && a < 6; ++a) n.rule.args[a] = arg_rule(s, a);
    add_condition(s, n.rule);
    if (static_cast<Sys>(i) == Sys::rt_sigreturn) {
      n.rule.frame_mask_offset =
          static_cast<int32_t>(sigreturn_mask_offset(ArchMap::native_arch()).value_or(0));
    }
    out.push_back(n);
  }
  return out;
}

std::vector<NumberedRule> bpf_sys_rules(const KernelPlan& plan) {
  return bpf_sys_rules(plan.recorded | plan.completed);
}

}  // namespace sigvisor
