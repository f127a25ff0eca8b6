// Policy::call_actions(): the syscalls each action of the policy can reach, from the
// syscall sets compiled into the rules at load time (CompiledRule::sys_mask, already
// narrowed by every key that only applies to some syscalls).
#include "policy/policy.h"
#include "policy/policy_internal.h"

namespace sigvisor {
namespace {

using namespace policy_internal;

std::bitset<kSysCount> syscalls_of(uint32_t mask) {
  return std::bitset<kSysCount>(mask);
}

}  // namespace

CallActions Policy::call_actions() const {
  const CompiledPolicy& p = impl_->p;
  CallActions out;
  auto add = [&out](Action a, const std::bitset<kSysCount>& sys) {
    if (a == Action::deny || a == Action::kill || a == Action::abort) out.may_refuse |= sys;
    if (a == Action::log) out.may_log |= sys;
  };
  // The default decides whatever no rule matched: any syscall at all.
  add(p.default_action, syscalls_of(kAllSys));
  for (const CompiledRule& r : p.syscall_rules) add(r.action, syscalls_of(r.sys_mask));
  return out;
}

}  // namespace sigvisor
