// See policy_reader.h: one rule of a policy — its name, its match (keys by event kind, the
// syscalls the keys narrow it to) and its action and errno.
#include <cerrno>

#include "policy/policy_reader.h"

namespace sigvisor {
namespace policy_internal {
namespace {

uint32_t arg_mask(const std::array<int8_t, kSysCount>& idx) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (idx[i] >= 0) m |= sys_bit(static_cast<Sys>(i));
  }
  return m;
}

// The syscalls a rule can match: those named, narrowed by every key that only applies to
// some syscalls. A rule narrowed to nothing is a mistake (a deny that never denies).
bool narrow_syscalls(PolicyReader& in, const Json& m, const std::string& path, uint32_t named,
                     CompiledRule& r, const ArgIndex& a) {
  struct Narrow {
    std::string_view key;
    uint32_t mask;
    std::string_view what;
  };
  uint32_t command_sys = 0;  // the syscalls the named commands belong to
  for (const IndirectCommand& c : indirect_commands()) {
    if ((r.command_mask & command_bit(&c)) != 0) command_sys |= sys_bit(c.sys);
  }
  const Narrow steps[] = {
      {"command", command_sys, "the syscalls of the named commands"},
      {"target",
       family_mask(Family::send) | family_mask(Family::indirect) | family_mask(Family::limit) |
           family_mask(Family::pgrp),
       "the send, indirect, limit and pgrp families"},
      {"sig", arg_mask(a.sig) | family_mask(Family::indirect), "syscalls with a signal argument"},
      {"code", arg_mask(a.info),
       "syscalls with a siginfo argument (rt_sigqueueinfo, rt_tgsigqueueinfo, "
       "pidfd_send_signal)"},
      {"blocks", sys_bit(Sys::rt_sigprocmask), "rt_sigprocmask"},
      {"handler", sys_bit(Sys::rt_sigaction), "rt_sigaction"},
  };
  r.sys_mask = m.contains("syscall") ? named : kAllSys;
  for (const auto& s : steps) {
    if (!m.contains(s.key)) continue;
    r.sys_mask &= s.mask;
    if (r.sys_mask == 0) {
      return in.fail(path_key(path, s.key), "never matches: " + std::string(s.key) +
                                                " applies only to " + std::string(s.what) +
                                                ", which the rule's other keys exclude");
    }
  }
  return true;
}

bool read_match(PolicyReader& in, const Json& m, const std::string& path, CompiledRule& r,
                const ArgIndex& args) {
  if (!in.expect_object(m, path)) return false;
  if (!in.known_keys(m, path,
                     {"event", "syscall", "command", "sig", "target", "code", "blocks", "handler",
                      "comm", "exe", "sender"})) {
    return false;
  }
  if (m.contains("event")) {
    std::string ev;
    std::string p = path_key(path, "event");
    if (!in.get_string(m.at("event"), p, ev)) return false;
    if (ev == "delivery") {
      r.delivery = true;
    } else if (ev != "syscall") {
      return in.fail(p, "unknown event " + quote_value(ev) + " (expected syscall or delivery)");
    }
  }
  uint32_t named_sys = 0;
  for (const auto& [key, v] : m.items()) {
    std::string p = path_key(path, key);
    if (r.delivery && (key == "syscall" || key == "command" || key == "target" || key == "blocks" ||
                       key == "handler")) {
      return in.fail(p, "not valid in a delivery rule");
    }
    if (!r.delivery && key == "sender") {
      return in.fail(p, "only valid in a delivery rule (\"event\": \"delivery\")");
    }
    bool ok = true;
    if (key == "event") {
      continue;
    } else if (key == "syscall") {
      ok = in.list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
        return in.syscall_item(e, ep, named_sys);
      });
    } else if (key == "command") {
      ok = in.list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
        return in.command_item(e, ep, r.command_mask);
      });
    } else if (key == "sig") {
      r.has_sig = true;
      ok = in.list(v, p, Items::strings_or_numbers, [&](const Json& e, const std::string& ep) {
        return in.signal_item(e, ep, r.sigs, true);
      });
    } else if (key == "target" || key == "sender") {
      ok = in.list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
        return in.scope_item(e, ep, r.delivery, r.scope_mask);
      });
    } else if (key == "comm" || key == "exe") {
      auto& globs = key == "comm" ? r.comm_globs : r.exe_globs;
      ok = in.list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
        return in.glob_item(e, ep, globs);
      });
    } else if (key == "code") {
      r.has_code = true;
      ok = in.list(v, p, Items::strings_or_numbers, [&](const Json& e, const std::string& ep) {
        return in.code_item(e, ep, r.codes);
      });
    } else if (key == "blocks") {
      r.has_blocks = true;
      SigBits bits;
      ok = in.list(v, p, Items::strings_or_numbers, [&](const Json& e, const std::string& ep) {
        return in.signal_item(e, ep, bits, false);
      });
      for (int s = 1; s <= kMaxSignal; ++s) {
        if (bits.test(static_cast<std::size_t>(s))) r.blocks |= uint64_t{1} << (s - 1);
      }
    } else if (key == "handler") {
      ok = in.list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
        return in.handler_item(e, ep, r.handler_mask);
      });
    }
    if (!ok) return false;
    if (!r.delivery && r.memory_key.empty() &&
        (key == "code" || key == "blocks" || key == "handler")) {
      r.memory_key = key;
    }
  }
  if (!r.delivery) return narrow_syscalls(in, m, path, named_sys, r, args);
  return true;
}

}  // namespace

bool read_rule(PolicyReader& in, const Json& j, const std::string& path, CompiledPolicy& policy) {
  if (!in.expect_object(j, path)) return false;
  if (!in.known_keys(j, path, {"name", "match", "action", "errno", "comment"})) return false;
  if (!in.required(j, path, {"name", "match", "action"})) return false;
  CompiledRule r;
  r.path = path;
  std::string np = path_key(path, "name");
  if (!in.get_string(j.at("name"), np, r.name)) return false;
  if (r.name.empty()) return in.fail(np, "empty rule name");
  for (const auto* list : {&policy.syscall_rules, &policy.delivery_rules}) {
    for (const auto& other : *list) {
      if (other.name == r.name) {
        return in.fail(
            np, "duplicate rule name " + quote_value(r.name) + " (first at " + other.path + ")");
      }
    }
  }
  if (!read_match(in, j.at("match"), path_key(path, "match"), r, policy.args)) return false;
  std::string ap = path_key(path, "action");
  if (!in.action(j.at("action"), ap, r.action)) return false;
  if (r.delivery && (r.action == Action::kill || r.action == Action::abort)) {
    return in.fail(ap, quote_value(action_name(r.action)) +
                           " is not valid in a delivery rule (expected allow, log or deny)");
  }
  if (stops_call(r.action) && !r.delivery) r.err = EPERM;
  if (j.contains("errno")) {
    std::string ep = path_key(path, "errno");
    if (r.delivery) return in.fail(ep, "not valid in a delivery rule");
    if (!stops_call(r.action)) return in.fail(ep, "only meaningful with deny, kill or abort");
    if (!in.errno_value(j.at("errno"), ep, r.err)) return false;
  }
  if (j.contains("comment")) {
    std::string ignored;
    if (!in.get_string(j.at("comment"), path_key(path, "comment"), ignored)) return false;
  }
  (r.delivery ? policy.delivery_rules : policy.syscall_rules).push_back(std::move(r));
  return true;
}

}  // namespace policy_internal
}  // namespace sigvisor
