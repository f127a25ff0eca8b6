// A policy document around one rules array, for the policy tables (most cases only
// differ there).
#pragma once

#include <string>

namespace sigvisor::test {

inline std::string with_rules(const std::string& rules, const std::string& dflt = "allow") {
  return R"({"name": "p", "default": ")" + dflt + R"(", "rules": )" + rules + "}";
}

}  // namespace sigvisor::test
