// Policy JSON document → CompiledPolicy: every key, type and name is checked, and the first
// problem becomes one line "<file>: <json-path>: <problem>" (policy_reader.h reads values,
// policy_rules.cc one rule). The language itself is described in docs/policy.schema.json
// and at the top of policy_match.cc.
#include <cerrno>

#include "policy/policy_reader.h"

namespace sigvisor {
namespace policy_internal {
namespace {

// The top level: name, description, default (and its errno), record, require_user,
// terminal, rules.
bool read_document(PolicyReader& in, const Json& doc, CompiledPolicy& policy) {
  if (!in.expect_object(doc, "$")) return false;
  if (!in.known_keys(doc, "",
                     {"name", "description", "default", "default_errno", "record", "require_user",
                      "terminal", "rules"})) {
    return false;
  }
  if (!in.required(doc, "", {"name", "default"})) return false;
  if (!in.get_string(doc.at("name"), "name", policy.name)) return false;
  if (policy.name.empty()) return in.fail("name", "empty policy name");
  if (doc.contains("description") &&
      !in.get_string(doc.at("description"), "description", policy.description)) {
    return false;
  }
  if (!in.action(doc.at("default"), "default", policy.default_action)) return false;
  if (stops_call(policy.default_action)) policy.default_err = EPERM;
  if (doc.contains("default_errno")) {
    if (!stops_call(policy.default_action)) {
      return in.fail("default_errno", "only meaningful when default is deny, kill or abort");
    }
    if (!in.errno_value(doc.at("default_errno"), "default_errno", policy.default_err)) return false;
  }
  if (doc.contains("record")) {
    std::string rec;
    if (!in.get_string(doc.at("record"), "record", rec)) return false;
    if (rec == "all") {
      policy.record = Record::all;
    } else if (rec == "denied") {
      policy.record = Record::denied;
    } else {
      return in.fail("record",
                     "unknown record mode " + quote_value(rec) + " (expected all or denied)");
    }
  }
  if (doc.contains("require_user")) {
    const Json& ru = doc.at("require_user");
    if (!ru.is_boolean()) {
      return in.fail("require_user", "expected true or false, got " + std::string(json_type(ru)));
    }
    policy.require_user = ru.get<bool>();
  }
  if (doc.contains("terminal")) {
    std::string mode;
    if (!in.get_string(doc.at("terminal"), "terminal", mode)) return false;
    if (mode == "shared") {
      policy.terminal = TerminalMode::shared;
    } else if (mode == "relay") {
      policy.terminal = TerminalMode::relay;
    } else {
      return in.fail("terminal",
                     "unknown terminal mode " + quote_value(mode) + " (expected shared or relay)");
    }
  }
  if (doc.contains("rules")) {
    const Json& rules = doc.at("rules");
    if (!rules.is_array())
      return in.fail("rules", "expected an array, got " + std::string(json_type(rules)));
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (!read_rule(in, rules[i], path_index("rules", i), policy)) return false;
    }
  }
  return true;
}

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
    PolicyReader in(origin);
    CompiledPolicy policy;
    if (!read_document(in, *doc, policy)) return *in.error();
    return policy;
  } catch (const std::exception& e) {
    // Defensive: the parser checks types before every access, so nlohmann should not throw.
    return make_error(origin + ": internal error while reading the policy: " + e.what());
  }
}

}  // namespace policy_internal
}  // namespace sigvisor
