// Readable names for table-driven parameterised tests: "3_kill_to_init" instead of a
// byte dump of the parameter, so ctest's list says which case failed.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace sigvisor::test {

struct CaseName {
  template <typename Param>
  std::string operator()(const ::testing::TestParamInfo<Param>& info) const {
    std::string name = std::to_string(info.index) + "_";
    for (const char* p = info.param.what; *p != '\0' && name.size() < 60; ++p) {
      name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    }
    return name;
  }
};

}  // namespace sigvisor::test
