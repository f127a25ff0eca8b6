// Load-time TOCTOU check: a policy must never let a call through *because of* tracee memory
// (siginfo, sigset, sigaction contents), which another thread of the caller can rewrite
// between our read and the kernel's (docs/containment.md).
//
// - "allow" with a memory key (code, blocks, handler) is refused outright.
// - "log" also lets the call through. A log rule with a memory key is refused when a call
//   it matches could otherwise be stopped: by a later deny/kill/abort rule that may match
//   the same call (same syscall, overlapping signals and target scopes; comm/exe globs are
//   assumed to overlap), or by a stopping default. Otherwise it only records, and is kept.
// - deny/kill/abort with memory keys are fine: racing them can only dodge a stop, which the
//   event shows as "racy": true (the matcher's job).
#include <string>

#include "policy/policy_internal.h"
#include "policy/policy_reader.h"

namespace sigvisor {
namespace policy_internal {
namespace {

// Whether some call could match both rules, judged on their register keys only.
bool may_overlap(const CompiledRule& a, const CompiledRule& b) {
  if ((a.sys_mask & b.sys_mask) == 0) return false;
  if (a.has_sig && b.has_sig && (a.sigs & b.sigs).none()) return false;
  if (a.scope_mask != 0 && b.scope_mask != 0 && (a.scope_mask & b.scope_mask) == 0) return false;
  if (a.command_mask != 0 && b.command_mask != 0 && (a.command_mask & b.command_mask) == 0) {
    return false;
  }
  return true;
}

}  // namespace

Status check_policy(const CompiledPolicy& p, const std::string& origin) {
  const auto& rules = p.syscall_rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const CompiledRule& r = rules[i];
    if (r.memory_key.empty()) continue;
    const std::string because = "allows because of memory contents (match." + r.memory_key + ")";
    if (r.action == Action::allow) {
      return policy_error(origin, r.path, because + "; use deny/log or match on registers only");
    }
    if (r.action != Action::log) continue;
    for (std::size_t j = i + 1; j < rules.size(); ++j) {
      const CompiledRule& later = rules[j];
      if (!stops_call(later.action) || !may_overlap(r, later)) continue;
      return policy_error(origin, r.path,
                          because + ": a \"log\" rule lets through calls that " + later.path +
                              " (" + std::string(action_name(later.action)) +
                              ") would stop; move it after " + later.path +
                              " or match on registers only");
    }
    if (stops_call(p.default_action)) {
      return policy_error(origin, r.path,
                          because + ": a \"log\" rule lets through calls that the default (" +
                              std::string(action_name(p.default_action)) +
                              ") would stop; use deny or match on registers only");
    }
  }
  return Ok{};
}

}  // namespace policy_internal
}  // namespace sigvisor
