// The case table of the strace-text decoder tests (decode_call_text_test.cc,
// decode_call_text_actions_test.cc): a hand-built call and the line strace 6.1 printed.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decode/decode.h"

namespace sigvisor::test {

struct Case {
  const char* label;
  CallData call;
  std::string expected;  // the strace line without its pid prefix and "=" padding
};

inline std::string line(const CallData& c) {
  std::string s;
  format_call_text(c, s);
  s += " = ";
  format_result_text(c, s);
  return s;
}

inline void check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(line(c.call), c.expected);
  }
}

}  // namespace sigvisor::test
