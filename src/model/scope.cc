// Scope names for events, policies and the command line.
#include "model/scope.h"

#include <algorithm>

namespace sigvisor {
namespace {
constexpr std::array<std::string_view, kScopeCount> kNames = {
    "self", "thread", "child", "sandbox", "outside", "supervisor",
    "init", "group",  "all",   "kernel",  "invalid"};
}  // namespace

std::string_view scope_name(Scope s) {
  return kNames[static_cast<std::size_t>(s)];
}

std::optional<Scope> scope_by_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Scope>(i);
  }
  return std::nullopt;
}

Comm make_comm(std::string_view s) {
  Comm c{};
  std::copy_n(s.begin(), std::min(s.size(), c.size() - 1), c.begin());
  return c;
}

}  // namespace sigvisor
