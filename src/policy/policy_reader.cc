// See policy_reader.h: the reader's plumbing (errors, types, keys, actions, errnos).
#include "policy/policy_reader.h"

namespace sigvisor {
namespace policy_internal {

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

bool PolicyReader::fail(std::string_view path, std::string_view problem) {
  if (!error_) error_ = policy_error(origin_, path, problem);
  return false;
}

bool PolicyReader::expect_object(const Json& j, std::string_view path) {
  if (j.is_object()) return true;
  return fail(path, "expected an object, got " + std::string(json_type(j)));
}

bool PolicyReader::get_string(const Json& j, std::string_view path, std::string& out) {
  if (!j.is_string()) return fail(path, "expected a string, got " + std::string(json_type(j)));
  out = j.get<std::string>();
  return true;
}

bool PolicyReader::known_keys(const Json& obj, std::string_view path,
                              std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) return fail(path_key(path, key), "unknown key");
  }
  return true;
}

bool PolicyReader::required(const Json& obj, std::string_view path,
                            std::initializer_list<std::string_view> keys) {
  for (auto k : keys) {
    if (!obj.contains(k)) {
      return fail(path.empty() ? "$" : path, "missing required key \"" + std::string(k) + "\"");
    }
  }
  return true;
}

bool PolicyReader::action(const Json& j, std::string_view path, Action& out) {
  std::string s;
  if (!get_string(j, path, s)) return false;
  for (int i = 0; i <= static_cast<int>(Action::abort); ++i) {
    if (s == action_name(static_cast<Action>(i))) {
      out = static_cast<Action>(i);
      return true;
    }
  }
  return fail(path,
              "unknown action " + quote_value(s) + " (expected allow, log, deny, kill or abort)");
}

bool PolicyReader::errno_value(const Json& j, std::string_view path, int& out) {
  std::string s;
  if (!get_string(j, path, s)) return false;
  auto e = errno_by_name(s);
  if (!e) return fail(path, "unknown errno " + quote_value(s));
  out = *e;
  return true;
}

}  // namespace policy_internal
}  // namespace sigvisor
