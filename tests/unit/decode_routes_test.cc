// The kernel-mediated and terminal routes (issue 13): prlimit64 on another process, as text
// against lines printed by real strace 6.1 for the same calls (`strace -e trace=prlimit64`;
// addresses replaced by the fake ones the cases use) and as JSON values.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <string>
#include <vector>

#include "decode/decode.h"
#include "decode_call_builder.h"

namespace sigvisor {
namespace {

using nlohmann::json;
using namespace test;  // NOLINT(google-build-using-namespace): the builders

struct Rlimit64 {
  uint64_t cur, max;
};
constexpr uint64_t kInf = ~uint64_t{0};

struct TextCase {
  const char* label;
  CallData call;
  std::string expected;  // the strace line without its pid prefix and "=" padding
};

std::string line(const CallData& c) {
  std::string s;
  format_call_text(c, s);
  s += " = ";
  format_result_text(c, s);
  return s;
}

TEST(DecodeRoutes, Prlimit64Text) {
  const std::vector<TextCase> cases = {
      {"set another process's CPU limit",
       Call(Sys::prlimit64, {10149, RLIMIT_CPU, kA, 0}).mem(2, Rlimit64{1, 1}).ret(0).d,
       "prlimit64(10149, RLIMIT_CPU, {rlim_cur=1, rlim_max=1}, NULL) = 0"},
      {"read it back: the out-parameter after success",
       Call(Sys::prlimit64, {10149, RLIMIT_CPU, 0, kB}).mem(3, Rlimit64{1, 1}).ret(0).d,
       "prlimit64(10149, RLIMIT_CPU, NULL, {rlim_cur=1, rlim_max=1}) = 0"},
      {"both",
       Call(Sys::prlimit64, {698, RLIMIT_CORE, kA, kB})
           .mem(2, Rlimit64{0, 4096 * 1024})
           .mem(3, Rlimit64{0, kInf})
           .ret(0)
           .d,
       "prlimit64(698, RLIMIT_CORE, {rlim_cur=0, rlim_max=4096*1024}, {rlim_cur=0, "
       "rlim_max=RLIM64_INFINITY}) = 0"},
      {"infinity and *1024",
       Call(Sys::prlimit64, {1, RLIMIT_STACK, 0, kB}).mem(3, Rlimit64{8192 * 1024, kInf}).ret(0).d,
       "prlimit64(1, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0"},
      {"1024 itself is not N*1024; 2048 is",
       Call(Sys::prlimit64, {5, RLIMIT_CORE, kA, 0}).mem(2, Rlimit64{1024, 2048}).ret(0).d,
       "prlimit64(5, RLIMIT_CORE, {rlim_cur=1024, rlim_max=2*1024}, NULL) = 0"},
      {"not a multiple of 1024, one below infinity",
       Call(Sys::prlimit64, {5, RLIMIT_CORE, kA, 0}).mem(2, Rlimit64{4096, kInf - 1}).ret(-EPERM).d,
       "prlimit64(5, RLIMIT_CORE, {rlim_cur=4*1024, rlim_max=18446744073709551614}, NULL) = -1 "
       "EPERM (Operation not permitted)"},
      {"result not known yet: the out-parameter is an address",
       Call(Sys::prlimit64, {688, RLIMIT_CORE, 0, kB}).mem(3, Rlimit64{0, kInf}).d,
       "prlimit64(688, RLIMIT_CORE, NULL, 0x7ffdb6a5f4f8) = ?"},
      {"failed: the out-parameter is an address",
       Call(Sys::prlimit64, {0x7ffffff0, RLIMIT_CORE, 0, kB}).ret(-ESRCH).d,
       "prlimit64(2147483632, RLIMIT_CORE, NULL, 0x7ffdb6a5f4f8) = -1 ESRCH (No such process)"},
      {"unreadable new_limit",
       Call(Sys::prlimit64, {698, RLIMIT_CORE, 8, 0}).unreadable(2).ret(-EFAULT).d,
       "prlimit64(698, RLIMIT_CORE, 0x8, NULL) = -1 EFAULT (Bad address)"},
      {"unknown resource, negative pid",
       Call(Sys::prlimit64, {static_cast<uint64_t>(-5), 99, 8, 16}).unreadable(2).ret(-EFAULT).d,
       "prlimit64(-5, 0x63 /* RLIMIT_??? */, 0x8, 0x10) = -1 EFAULT (Bad address)"},
      {"pid and resource are ints: high bits ignored",
       Call(Sys::prlimit64, {0x100000005, 0x100000000 | RLIMIT_NOFILE, 0, 0}).ret(0).d,
       "prlimit64(5, RLIMIT_NOFILE, NULL, NULL) = 0"},
      {"resource -1", Call(Sys::prlimit64, {5, ~uint64_t{0}, 0, 0}).ret(-EINVAL).d,
       "prlimit64(5, 0xffffffff /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid argument)"},
      {"the last resource",
       Call(Sys::prlimit64, {5, RLIMIT_RTTIME, kA, 0})
           .mem(2, Rlimit64{3072 * 1024, 1025})
           .ret(-EINVAL)
           .d,
       "prlimit64(5, RLIMIT_RTTIME, {rlim_cur=3072*1024, rlim_max=1025}, NULL) = -1 EINVAL "
       "(Invalid argument)"},
  };
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(line(c.call), c.expected);
  }
}

struct JsonCase {
  const char* label;
  CallData call;
  json expected;
};

TEST(DecodeRoutes, Prlimit64Json) {
  const std::vector<JsonCase> cases = {
      {"set",
       Call(Sys::prlimit64, {10149, RLIMIT_CPU, kA, 0}).mem(2, Rlimit64{1, 1}).d,
       {{"pid", 10149},
        {"resource", "RLIMIT_CPU"},
        {"new_limit", {{"rlim_cur", 1}, {"rlim_max", 1}}},
        {"old_limit", nullptr}}},
      {"infinity by name, sizes as plain numbers",
       Call(Sys::prlimit64, {7, RLIMIT_STACK, 0, kB}).mem(3, Rlimit64{8192 * 1024, kInf}).ret(0).d,
       {{"pid", 7},
        {"resource", "RLIMIT_STACK"},
        {"new_limit", nullptr},
        {"old_limit", {{"rlim_cur", 8192 * 1024}, {"rlim_max", "RLIM64_INFINITY"}}}}},
      {"out-parameter before the result is known",
       Call(Sys::prlimit64, {7, RLIMIT_CORE, 0, kB}).d,
       {{"pid", 7},
        {"resource", "RLIMIT_CORE"},
        {"new_limit", nullptr},
        {"old_limit", {{"addr", "0x7ffdb6a5f4f8"}}}}},
      {"unknown resource, unreadable limit",
       Call(Sys::prlimit64, {static_cast<uint64_t>(-5), 99, kBad, 0}).unreadable(2).d,
       {{"pid", -5},
        {"resource", 99},
        {"new_limit", {{"addr", "0x7f21dda89000"}}},
        {"old_limit", nullptr}}},
  };
  for (const JsonCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(args_json(c.call), c.expected);
  }
}

}  // namespace
}  // namespace sigvisor
