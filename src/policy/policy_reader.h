// The policy loader's reader of single JSON values: types, keys, lists, and the names in
// them (actions, errnos, signals, scopes, globs, si_codes, handlers, syscalls, commands).
// The first failure is kept as one line "<file>: <json-path>: <problem>"; every reader
// returns false from then on up to the caller. Used by policy_parse.cc (the document) and
// policy_rules.cc (one rule and its match).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy_internal.h"
#include "policy/policy_json.h"

namespace sigvisor {
namespace policy_internal {

// deny, kill and abort: the call does not run.
bool stops_call(Action a);
// Every syscall of family `f` as a sys_bit mask.
uint32_t family_mask(Family f);

enum class Items { strings, strings_or_numbers };

class PolicyReader {
 public:
  explicit PolicyReader(const std::string& origin) : origin_(origin) {}

  // Records the first problem; always false, so `return fail(...)` ends a reader.
  bool fail(std::string_view path, std::string_view problem);
  const std::optional<Error>& error() const { return error_; }

  bool expect_object(const Json& j, std::string_view path);
  bool get_string(const Json& j, std::string_view path, std::string& out);
  // Fails on the first key of `obj` (file order) not in `allowed`.
  bool known_keys(const Json& obj, std::string_view path,
                  std::initializer_list<std::string_view> allowed);
  bool required(const Json& obj, std::string_view path,
                std::initializer_list<std::string_view> keys);
  bool action(const Json& j, std::string_view path, Action& out);
  bool errno_value(const Json& j, std::string_view path, int& out);

  // A match value: one item or a non-empty list of items; `item` reads one.
  template <typename F>
  bool list(const Json& j, std::string_view path, Items kind, F&& item);

  // The items of match values (policy_items.cc).
  bool signal_item(const Json& j, const std::string& path, SigBits& bits, bool allow_zero);
  bool scope_item(const Json& j, const std::string& path, bool delivery, uint16_t& mask);
  bool glob_item(const Json& j, const std::string& path, std::vector<std::string>& out);
  bool code_item(const Json& j, const std::string& path, std::vector<SiCode>& out);
  bool handler_item(const Json& j, const std::string& path, uint8_t& mask);
  bool syscall_item(const Json& j, const std::string& path, uint32_t& mask);
  bool command_item(const Json& j, const std::string& path, uint32_t& mask);

 private:
  const std::string& origin_;
  std::optional<Error> error_;
};

template <typename F>
bool PolicyReader::list(const Json& j, std::string_view path, Items kind, F&& item) {
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

// One rule of "rules" (policy_rules.cc): checked and appended to `policy`.
bool read_rule(PolicyReader& in, const Json& j, const std::string& path, CompiledPolicy& policy);

}  // namespace policy_internal
}  // namespace sigvisor
