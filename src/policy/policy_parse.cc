// Policy JSON document → CompiledPolicy: every key, type and name is checked, and the first
// problem becomes one line "<file>: <json-path>: <problem>". The language itself is described
// in docs/policy.schema.json and at the top of policy_match.cc.
#include <fnmatch.h>

#include <cerrno>
#include <initializer_list>
#include <limits>
#include <optional>

#include "policy/policy_internal.h"
#include "policy/policy_json.h"

namespace sigvisor {
namespace policy_internal {
namespace {

constexpr std::string_view kActionNames[] = {"allow", "log", "deny", "kill", "abort"};

bool stops_call(Action a) {
  return a == Action::deny || a == Action::kill || a == Action::abort;
}

uint32_t family_mask(Family f) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (spec(static_cast<Sys>(i)).family == f) m |= sys_bit(static_cast<Sys>(i));
  }
  return m;
}

uint32_t arg_mask(const std::array<int8_t, kSysCount>& idx) {
  uint32_t m = 0;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (idx[i] >= 0) m |= sys_bit(static_cast<Sys>(i));
  }
  return m;
}

enum class Items { strings, strings_or_numbers };

class Parser {
 public:
  explicit Parser(const std::string& origin) : origin_(origin) {}

  Result<CompiledPolicy> run(const Json& doc) {
    if (!top(doc)) return *error_;
    return std::move(policy_);
  }

 private:
  const std::string& origin_;
  std::optional<Error> error_;
  CompiledPolicy policy_;

  bool fail(std::string_view path, std::string_view problem) {
    if (!error_) error_ = policy_error(origin_, path, problem);
    return false;
  }

  bool expect_object(const Json& j, std::string_view path) {
    if (j.is_object()) return true;
    return fail(path, "expected an object, got " + std::string(json_type(j)));
  }

  bool get_string(const Json& j, std::string_view path, std::string& out) {
    if (!j.is_string()) return fail(path, "expected a string, got " + std::string(json_type(j)));
    out = j.get<std::string>();
    return true;
  }

  // The first key of `obj` (file order) not in `allowed`.
  bool known_keys(const Json& obj, std::string_view path,
                  std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
      bool known = false;
      for (auto a : allowed) known = known || key == a;
      if (!known) return fail(path_key(path, key), "unknown key");
    }
    return true;
  }

  bool required(const Json& obj, std::string_view path,
                std::initializer_list<std::string_view> keys) {
    for (auto k : keys) {
      if (!obj.contains(k)) {
        return fail(path.empty() ? "$" : path, "missing required key \"" + std::string(k) + "\"");
      }
    }
    return true;
  }

  bool action(const Json& j, std::string_view path, Action& out) {
    std::string s;
    if (!get_string(j, path, s)) return false;
    for (std::size_t i = 0; i < std::size(kActionNames); ++i) {
      if (s == kActionNames[i]) {
        out = static_cast<Action>(i);
        return true;
      }
    }
    return fail(path,
                "unknown action " + quote_value(s) + " (expected allow, log, deny, kill or abort)");
  }

  bool errno_value(const Json& j, std::string_view path, int& out) {
    std::string s;
    if (!get_string(j, path, s)) return false;
    auto e = errno_by_name(s);
    if (!e) return fail(path, "unknown errno " + quote_value(s));
    out = *e;
    return true;
  }

  // A match value: one item or a non-empty list of items; `item` parses one.
  template <typename F>
  bool list(const Json& j, std::string_view path, Items kind, F&& item) {
    auto scalar_ok = [kind](const Json& v) {
      return v.is_string() || (kind == Items::strings_or_numbers && v.is_number_integer());
    };
    if (scalar_ok(j)) return item(j, std::string(path));
    if (!j.is_array()) {
      return fail(path, std::string(kind == Items::strings
                                        ? "expected a string or a list of strings, got "
                                        : "expected a string, a number or a list of them, got ") +
                            std::string(json_type(j)));
    }
    if (j.empty()) return fail(path, "empty list never matches");
    for (std::size_t i = 0; i < j.size(); ++i) {
      std::string p = path_index(path, i);
      if (!scalar_ok(j[i])) {
        return fail(p, std::string(kind == Items::strings ? "expected a string, got "
                                                          : "expected a string or a number, got ") +
                           std::string(json_type(j[i])));
      }
      if (!item(j[i], p)) return false;
    }
    return true;
  }

  // One signal item into `bits`: a name, a number, "realtime", or a range "A-B".
  bool signal_item(const Json& j, const std::string& path, SigBits& bits, bool allow_zero) {
    int lo = 0, hi = 0;
    if (j.is_number_integer()) {
      // An unsigned beyond int64 would wrap in get<int64_t>(): say it as written.
      if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{kMaxSignal}) {
        return fail(path, "unknown signal " + std::to_string(j.get<uint64_t>()));
      }
      auto v = j.get<int64_t>();
      if (v < 0 || v > kMaxSignal) return fail(path, "unknown signal " + std::to_string(v));
      lo = hi = static_cast<int>(v);
    } else {
      const auto& s = j.get_ref<const std::string&>();
      if (s == "realtime") {
        lo = 32;
        hi = kMaxSignal;
      } else if (auto n = signal_by_name(s)) {
        lo = hi = *n;
      } else {
        bool found = false;
        for (std::size_t dash = s.find('-'); dash != std::string::npos && !found;
             dash = s.find('-', dash + 1)) {
          auto a = signal_by_name(std::string_view(s).substr(0, dash));
          auto b = signal_by_name(std::string_view(s).substr(dash + 1));
          if (a && b) {
            found = true;
            lo = *a;
            hi = *b;
          }
        }
        if (!found) {
          return fail(path,
                      std::string(s.find('-') == std::string::npos ? "unknown signal "
                                                                   : "unknown signal or range ") +
                          quote_value(s));
        }
        if (lo > hi) return fail(path, "empty signal range " + quote_value(s));
      }
    }
    if (lo == 0 && !allow_zero) return fail(path, "signal 0 is not a signal and cannot be blocked");
    for (int s = lo; s <= hi; ++s) bits.set(static_cast<std::size_t>(s));
    return true;
  }

  bool scope_item(const Json& j, const std::string& path, bool delivery, uint16_t& mask) {
    const auto& s = j.get_ref<const std::string&>();
    auto sc = scope_by_name(s);
    if (!sc) return fail(path, "unknown scope " + quote_value(s));
    if (*sc == Scope::kernel && !delivery) {
      return fail(path, "\"kernel\" is only a sender scope (delivery rules)");
    }
    if (*sc == Scope::invalid && delivery) {
      return fail(path, "\"invalid\" is only a target scope (a delivered signal had a sender)");
    }
    mask = static_cast<uint16_t>(mask | scope_bit(*sc));
    return true;
  }

  bool glob_item(const Json& j, const std::string& path, std::vector<std::string>& out) {
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty()) return fail(path, "empty glob");
    int r = fnmatch(s.c_str(), "", 0);
    if (r != 0 && r != FNM_NOMATCH) return fail(path, "invalid glob " + quote_value(s));
    out.push_back(s);
    return true;
  }

  bool code_item(const Json& j, const std::string& path, std::vector<SiCode>& out) {
    if (j.is_number_integer()) {
      if (j.is_number_unsigned() &&
          j.get<uint64_t>() > uint64_t{std::numeric_limits<int32_t>::max()}) {
        return fail(path, "si_code " + std::to_string(j.get<uint64_t>()) + " out of range");
      }
      auto v = j.get<int64_t>();
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return fail(path, "si_code " + std::to_string(v) + " out of range");
      }
      out.push_back(SiCode{static_cast<int>(v), 0});
      return true;
    }
    const auto& s = j.get_ref<const std::string&>();
    auto c = si_code_by_name(s);
    if (!c) return fail(path, "unknown si_code " + quote_value(s));
    out.push_back(*c);
    return true;
  }

  bool handler_item(const Json& j, const std::string& path, uint8_t& mask) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "default") {
      mask |= kHandlerDefault;
    } else if (s == "ignore") {
      mask |= kHandlerIgnore;
    } else if (s == "catch") {
      mask |= kHandlerCatch;
    } else {
      return fail(path,
                  "unknown handler " + quote_value(s) + " (expected default, ignore or catch)");
    }
    return true;
  }

  bool syscall_item(const Json& j, const std::string& path, uint32_t& mask) {
    const auto& s = j.get_ref<const std::string&>();
    if (auto sys = sys_by_name(s)) {
      mask |= sys_bit(*sys);
      return true;
    }
    auto fam = family_by_name(s);
    if (fam && *fam != Family::other) {
      mask |= family_mask(*fam);
      return true;
    }
    return fail(path, "unknown syscall or family " + quote_value(s));
  }

  // One command of an indirect syscall, by the name strace prints (TIOCSTI, F_SETOWN...):
  // only the commands sigvisor intercepts can be matched.
  bool command_item(const Json& j, const std::string& path, uint32_t& mask) {
    const auto& s = j.get_ref<const std::string&>();
    for (const IndirectCommand& c : indirect_commands()) {
      if (c.name != s) continue;
      mask |= command_bit(&c);
      return true;
    }
    std::string known;
    for (const IndirectCommand& c : indirect_commands()) {
      known += known.empty() ? "" : ", ";
      known += c.name;
    }
    return fail(path, "unknown command " + quote_value(s) + " (intercepted: " + known + ")");
  }

  bool match(const Json& m, const std::string& path, CompiledRule& r) {
    if (!expect_object(m, path)) return false;
    if (!known_keys(m, path,
                    {"event", "syscall", "command", "sig", "target", "code", "blocks", "handler",
                     "comm", "exe", "sender"})) {
      return false;
    }
    if (m.contains("event")) {
      std::string ev;
      std::string p = path_key(path, "event");
      if (!get_string(m.at("event"), p, ev)) return false;
      if (ev == "delivery") {
        r.delivery = true;
      } else if (ev != "syscall") {
        return fail(p, "unknown event " + quote_value(ev) + " (expected syscall or delivery)");
      }
    }
    uint32_t named_sys = 0;
    for (const auto& [key, v] : m.items()) {
      std::string p = path_key(path, key);
      if (r.delivery && (key == "syscall" || key == "command" || key == "target" ||
                         key == "blocks" || key == "handler")) {
        return fail(p, "not valid in a delivery rule");
      }
      if (!r.delivery && key == "sender") {
        return fail(p, "only valid in a delivery rule (\"event\": \"delivery\")");
      }
      bool ok = true;
      if (key == "event") {
        continue;
      } else if (key == "syscall") {
        ok = list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
          return syscall_item(e, ep, named_sys);
        });
      } else if (key == "command") {
        ok = list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
          return command_item(e, ep, r.command_mask);
        });
      } else if (key == "sig") {
        r.has_sig = true;
        ok = list(v, p, Items::strings_or_numbers, [&](const Json& e, const std::string& ep) {
          return signal_item(e, ep, r.sigs, true);
        });
      } else if (key == "target" || key == "sender") {
        ok = list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
          return scope_item(e, ep, r.delivery, r.scope_mask);
        });
      } else if (key == "comm" || key == "exe") {
        auto& globs = key == "comm" ? r.comm_globs : r.exe_globs;
        ok = list(v, p, Items::strings,
                  [&](const Json& e, const std::string& ep) { return glob_item(e, ep, globs); });
      } else if (key == "code") {
        r.has_code = true;
        ok = list(v, p, Items::strings_or_numbers,
                  [&](const Json& e, const std::string& ep) { return code_item(e, ep, r.codes); });
      } else if (key == "blocks") {
        r.has_blocks = true;
        SigBits bits;
        ok = list(v, p, Items::strings_or_numbers, [&](const Json& e, const std::string& ep) {
          return signal_item(e, ep, bits, false);
        });
        for (int s = 1; s <= kMaxSignal; ++s) {
          if (bits.test(static_cast<std::size_t>(s))) r.blocks |= uint64_t{1} << (s - 1);
        }
      } else if (key == "handler") {
        ok = list(v, p, Items::strings, [&](const Json& e, const std::string& ep) {
          return handler_item(e, ep, r.handler_mask);
        });
      }
      if (!ok) return false;
      if (!r.delivery && r.memory_key.empty() &&
          (key == "code" || key == "blocks" || key == "handler")) {
        r.memory_key = key;
      }
    }
    if (!r.delivery) return narrow_syscalls(m, path, named_sys, r);
    return true;
  }

  // The syscalls a rule can match: those named, narrowed by every key that only applies to
  // some syscalls. A rule narrowed to nothing is a mistake (a deny that never denies).
  bool narrow_syscalls(const Json& m, const std::string& path, uint32_t named, CompiledRule& r) {
    const ArgIndex& a = policy_.args;
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
        return fail(path_key(path, s.key), "never matches: " + std::string(s.key) +
                                               " applies only to " + std::string(s.what) +
                                               ", which the rule's other keys exclude");
      }
    }
    return true;
  }

  bool rule(const Json& j, const std::string& path) {
    if (!expect_object(j, path)) return false;
    if (!known_keys(j, path, {"name", "match", "action", "errno", "comment"})) return false;
    if (!required(j, path, {"name", "match", "action"})) return false;
    CompiledRule r;
    r.path = path;
    std::string np = path_key(path, "name");
    if (!get_string(j.at("name"), np, r.name)) return false;
    if (r.name.empty()) return fail(np, "empty rule name");
    for (const auto* list : {&policy_.syscall_rules, &policy_.delivery_rules}) {
      for (const auto& other : *list) {
        if (other.name == r.name) {
          return fail(
              np, "duplicate rule name " + quote_value(r.name) + " (first at " + other.path + ")");
        }
      }
    }
    if (!match(j.at("match"), path_key(path, "match"), r)) return false;
    std::string ap = path_key(path, "action");
    if (!action(j.at("action"), ap, r.action)) return false;
    if (r.delivery && (r.action == Action::kill || r.action == Action::abort)) {
      return fail(ap, quote_value(kActionNames[static_cast<int>(r.action)]) +
                          " is not valid in a delivery rule (expected allow, log or deny)");
    }
    if (stops_call(r.action) && !r.delivery) r.err = EPERM;
    if (j.contains("errno")) {
      std::string ep = path_key(path, "errno");
      if (r.delivery) return fail(ep, "not valid in a delivery rule");
      if (!stops_call(r.action)) return fail(ep, "only meaningful with deny, kill or abort");
      if (!errno_value(j.at("errno"), ep, r.err)) return false;
    }
    if (j.contains("comment")) {
      std::string ignored;
      if (!get_string(j.at("comment"), path_key(path, "comment"), ignored)) return false;
    }
    (r.delivery ? policy_.delivery_rules : policy_.syscall_rules).push_back(std::move(r));
    return true;
  }

  bool top(const Json& doc) {
    if (!expect_object(doc, "$")) return false;
    if (!known_keys(doc, "",
                    {"name", "description", "default", "default_errno", "record", "require_user",
                     "terminal", "rules"})) {
      return false;
    }
    if (!required(doc, "", {"name", "default"})) return false;
    if (!get_string(doc.at("name"), "name", policy_.name)) return false;
    if (policy_.name.empty()) return fail("name", "empty policy name");
    if (doc.contains("description") &&
        !get_string(doc.at("description"), "description", policy_.description)) {
      return false;
    }
    if (!action(doc.at("default"), "default", policy_.default_action)) return false;
    if (stops_call(policy_.default_action)) policy_.default_err = EPERM;
    if (doc.contains("default_errno")) {
      if (!stops_call(policy_.default_action)) {
        return fail("default_errno", "only meaningful when default is deny, kill or abort");
      }
      if (!errno_value(doc.at("default_errno"), "default_errno", policy_.default_err)) return false;
    }
    if (doc.contains("record")) {
      std::string rec;
      if (!get_string(doc.at("record"), "record", rec)) return false;
      if (rec == "all") {
        policy_.record = Record::all;
      } else if (rec == "denied") {
        policy_.record = Record::denied;
      } else {
        return fail("record",
                    "unknown record mode " + quote_value(rec) + " (expected all or denied)");
      }
    }
    if (doc.contains("require_user")) {
      const Json& ru = doc.at("require_user");
      if (!ru.is_boolean()) {
        return fail("require_user", "expected true or false, got " + std::string(json_type(ru)));
      }
      policy_.require_user = ru.get<bool>();
    }
    if (doc.contains("terminal")) {
      std::string mode;
      if (!get_string(doc.at("terminal"), "terminal", mode)) return false;
      if (mode == "shared") {
        policy_.terminal = TerminalMode::shared;
      } else if (mode == "relay") {
        policy_.terminal = TerminalMode::relay;
      } else {
        return fail("terminal",
                    "unknown terminal mode " + quote_value(mode) + " (expected shared or relay)");
      }
    }
    if (doc.contains("rules")) {
      const Json& rules = doc.at("rules");
      if (!rules.is_array())
        return fail("rules", "expected an array, got " + std::string(json_type(rules)));
      for (std::size_t i = 0; i < rules.size(); ++i) {
        if (!rule(rules[i], path_index("rules", i))) return false;
      }
    }
    return true;
  }
};

}  // namespace

ArgIndex make_arg_index() {
  ArgIndex a;
  a.sig.fill(-1);
  a.info.fill(-1);
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    for (int k = 0; k < s.nargs; ++k) {
      if (s.args[k] == Arg::sig) a.sig[i] = static_cast<int8_t>(k);
      if (s.args[k] == Arg::siginfo_in) a.info[i] = static_cast<int8_t>(k);
    }
  }
  const SyscallSpec& mask = spec(Sys::rt_sigprocmask);
  const SyscallSpec& act = spec(Sys::rt_sigaction);
  for (int k = 0; k < 6; ++k) {
    if (mask.args[k] == Arg::how) a.mask_how = static_cast<int8_t>(k);
    if (mask.args[k] == Arg::sigset_in) a.mask_set = static_cast<int8_t>(k);
    if (mask.args[k] == Arg::size) a.mask_size = static_cast<int8_t>(k);
    if (act.args[k] == Arg::sigaction_in) a.action_act = static_cast<int8_t>(k);
  }
  return a;
}

Error policy_error(const std::string& origin, std::string_view path, std::string_view problem) {
  std::string m = origin;
  m += ": ";
  m += path.empty() ? std::string_view("$") : path;
  m += ": ";
  m += problem;
  return Error{std::move(m)};
}

Result<CompiledPolicy> parse_policy(std::string_view text, const std::string& origin) {
  auto doc = parse_json_text(text, origin);
  if (!doc) return doc.error();
  try {
    return Parser(origin).run(*doc);
  } catch (const std::exception& e) {
    // Defensive: the parser checks types before every access, so nlohmann should not throw.
    return make_error(origin + ": internal error while reading the policy: " + e.what());
  }
}

}  // namespace policy_internal
}  // namespace sigvisor
