// Syscall sets in tests: written in -e trace= syntax, compared by their names.
#pragma once

#include <gtest/gtest.h>

#include <bitset>
#include <string>

#include "cli/trace_set.h"
#include "names/syscall_table.h"

namespace sigvisor::test {

using SysSet = std::bitset<kSysCount>;

// A set in -e trace= syntax ("send,mask", "!rt_sigreturn", "none").
inline SysSet set_of(const std::string& s) {
  auto r = parse_trace_set(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : SysSet();
}

// The set's syscall names, comma-separated, "none" when empty: readable failures.
inline std::string names(const SysSet& s) {
  if (s.none()) return "none";
  std::string out;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (s.test(i)) out += (out.empty() ? "" : ",") + std::string(spec(static_cast<Sys>(i)).name);
  }
  return out;
}

}  // namespace sigvisor::test
