// Policy::forbids_outside(): walks the syscall rules in order, as the matcher would, for
// a send-family call aimed outside the sandbox (scopes outside and init). A rule that
// could match such a call and does not refuse it means "not forbidden"; a refusing rule
// that matches every such call (no key but syscall and target narrowing it) ends the walk.
#include "policy/policy.h"
#include "policy/policy_internal.h"

namespace sigvisor {
namespace {

using namespace policy_internal;

bool refuses(Action a) {
  return a == Action::deny || a == Action::kill || a == Action::abort;
}

uint32_t send_family_mask() {
  uint32_t m = 0;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (spec(static_cast<Sys>(i)).family == Family::send) m |= sys_bit(static_cast<Sys>(i));
  }
  return m;
}

// Whether `r` may match a send call aimed at a target of scope `s` / every such call.
bool may_match(const CompiledRule& r, uint32_t send, Scope s) {
  return !r.delivery && (r.sys_mask & send) != 0 &&
         (r.scope_mask == 0 || (r.scope_mask & scope_bit(s)) != 0);
}
bool matches_all(const CompiledRule& r, uint32_t send, Scope s) {
  return may_match(r, send, s) && (r.sys_mask & send) == send && !r.has_sig &&
         r.command_mask == 0 && r.comm_globs.empty() && r.exe_globs.empty() && !r.has_code &&
         !r.has_blocks && r.handler_mask == 0;
}

bool forbidden(const CompiledPolicy& p, Scope s) {
  const uint32_t send = send_family_mask();
  for (const CompiledRule& r : p.syscall_rules) {
    if (!may_match(r, send, s)) continue;
    if (!refuses(r.action)) return false;
    if (matches_all(r, send, s)) return true;
  }
  return refuses(p.default_action);
}

}  // namespace

bool Policy::forbids_outside() const {
  return forbidden(impl_->p, Scope::outside) && forbidden(impl_->p, Scope::init);
}

}  // namespace sigvisor
