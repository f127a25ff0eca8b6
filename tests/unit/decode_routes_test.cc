// The kernel-mediated and terminal routes (issue 13): prlimit64 on another process and the
// terminal ioctls (TIOCSTI, TIOCSPGRP, TIOCSCTTY, TIOCSETD), as text against lines printed
// by real strace 6.1 for the same calls (`strace -e trace=prlimit64`, `-e trace=ioctl`;
// addresses replaced by the fake ones the cases use) and as JSON values.
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>

#include <cstring>
#include <string>
#include <vector>

#include "decode/decode.h"
#include "decode/decode_internal.h"
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

// ioctl(0, TIOCSTI, ...) and the other terminal commands, as strace 6.1 printed them
// (a test program on a pty under `strace -e trace=ioctl`).
TEST(DecodeRoutes, TerminalIoctlText) {
  auto sti = [](uint8_t byte) { return Call(Sys::ioctl, {0, TIOCSTI, kA}).mem(2, byte).ret(0).d; };
  const std::vector<TextCase> cases = {
      {"TIOCSTI x", sti('x'), "ioctl(0, TIOCSTI, \"x\") = 0"},
      {"TIOCSTI newline", sti('\n'), "ioctl(0, TIOCSTI, \"\\n\") = 0"},
      {"TIOCSTI ^C", sti(3), "ioctl(0, TIOCSTI, \"\\3\") = 0"},
      {"TIOCSTI quote", sti('"'), "ioctl(0, TIOCSTI, \"\\\"\") = 0"},
      {"TIOCSTI backslash", sti('\\'), "ioctl(0, TIOCSTI, \"\\\\\") = 0"},
      {"TIOCSTI 0xff", sti(0xff), "ioctl(0, TIOCSTI, \"\\377\") = 0"},
      {"TIOCSTI tab", sti('\t'), "ioctl(0, TIOCSTI, \"\\t\") = 0"},
      {"TIOCSTI NUL", sti(0), "ioctl(0, TIOCSTI, \"\\0\") = 0"},
      {"TIOCSTI bell", sti(7), "ioctl(0, TIOCSTI, \"\\7\") = 0"},
      {"TIOCSTI backspace", sti(8), "ioctl(0, TIOCSTI, \"\\10\") = 0"},
      {"TIOCSTI vt", sti(11), "ioctl(0, TIOCSTI, \"\\v\") = 0"},
      {"TIOCSTI ff", sti(12), "ioctl(0, TIOCSTI, \"\\f\") = 0"},
      {"TIOCSTI cr", sti(13), "ioctl(0, TIOCSTI, \"\\r\") = 0"},
      {"TIOCSTI esc", sti(27), "ioctl(0, TIOCSTI, \"\\33\") = 0"},
      {"TIOCSTI del", sti(127), "ioctl(0, TIOCSTI, \"\\177\") = 0"},
      {"TIOCSTI space", sti(' '), "ioctl(0, TIOCSTI, \" \") = 0"},
      {"TIOCSTI digit", sti('0'), "ioctl(0, TIOCSTI, \"0\") = 0"},
      {"TIOCSTI unreadable", Call(Sys::ioctl, {0, TIOCSTI, 8}).unreadable(2).ret(-EFAULT).d,
       "ioctl(0, TIOCSTI, 0x8) = -1 EFAULT (Bad address)"},
      {"TIOCSTI NULL", Call(Sys::ioctl, {0, TIOCSTI, 0}).ret(-EFAULT).d,
       "ioctl(0, TIOCSTI, NULL) = -1 EFAULT (Bad address)"},
      {"TIOCSTI denied, result as decided",
       Call(Sys::ioctl, {0, TIOCSTI, kA}).mem(2, uint8_t{'x'}).ret(-EPERM).d,
       "ioctl(0, TIOCSTI, \"x\") = -1 EPERM (Operation not permitted)"},
      {"TIOCSPGRP", Call(Sys::ioctl, {0, TIOCSPGRP, kA}).mem(2, int32_t{4242}).ret(-ENOTTY).d,
       "ioctl(0, TIOCSPGRP, [4242]) = -1 ENOTTY (Inappropriate ioctl for device)"},
      {"TIOCSPGRP negative",
       Call(Sys::ioctl, {0, TIOCSPGRP, kA}).mem(2, int32_t{-3}).ret(-EINVAL).d,
       "ioctl(0, TIOCSPGRP, [-3]) = -1 EINVAL (Invalid argument)"},
      {"TIOCSPGRP unreadable", Call(Sys::ioctl, {0, TIOCSPGRP, 8}).unreadable(2).ret(-EFAULT).d,
       "ioctl(0, TIOCSPGRP, 0x8) = -1 EFAULT (Bad address)"},
      // Only the forcing form is intercepted (IndirectCommand::only_arg): its flag is an int.
      {"TIOCSCTTY 1", Call(Sys::ioctl, {0, TIOCSCTTY, 1}).ret(-EPERM).d,
       "ioctl(0, TIOCSCTTY, 1) = -1 EPERM (Operation not permitted)"},
      {"TIOCSCTTY is an int", Call(Sys::ioctl, {0, TIOCSCTTY, 0x100000001}).ret(0).d,
       "ioctl(0, TIOCSCTTY, 1) = 0"},
      {"TIOCSETD N_TTY, as a number",
       Call(Sys::ioctl, {0, TIOCSETD, kA}).mem(2, int32_t{0}).ret(0).d,
       "ioctl(0, TIOCSETD, [0]) = 0"},
      {"TIOCSETD 99", Call(Sys::ioctl, {0, TIOCSETD, kA}).mem(2, int32_t{99}).ret(-EINVAL).d,
       "ioctl(0, TIOCSETD, [99]) = -1 EINVAL (Invalid argument)"},
      {"TIOCSETD unreadable", Call(Sys::ioctl, {0, TIOCSETD, 8}).unreadable(2).ret(-EFAULT).d,
       "ioctl(0, TIOCSETD, 0x8) = -1 EFAULT (Bad address)"},
      {"request with high bits: the same command",
       Call(Sys::ioctl, {0, 0x100000000 | TIOCSTI, kA}).mem(2, uint8_t{0}).ret(0).d,
       "ioctl(0, TIOCSTI, \"\\0\") = 0"},
  };
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(line(c.call), c.expected);
  }
}

TEST(DecodeRoutes, QuotedBytesLikeStrace) {
  // strace's octal escapes are as short as the next byte allows.
  const uint8_t nul_one[] = {0, '1'};
  const uint8_t nul_x[] = {0, 'x'};
  const uint8_t esc_seven[] = {27, '7'};
  const uint8_t esc_eight[] = {27, '8'};
  struct {
    const uint8_t* p;
    std::size_t n;
    const char* want;
  } cases[] = {
      {nul_one, 2, "\"\\0001\""},
      {nul_x, 2, "\"\\0x\""},
      {esc_seven, 2, "\"\\0337\""},
      {esc_eight, 2, "\"\\338\""},
  };
  for (const auto& c : cases) {
    std::string out;
    decode::format_quoted_bytes(c.p, c.n, out);
    EXPECT_EQ(out, c.want);
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

TEST(DecodeRoutes, TerminalIoctlJson) {
  const std::vector<JsonCase> cases = {
      {"TIOCSTI",
       Call(Sys::ioctl, {0, TIOCSTI, kA}).mem(2, uint8_t{'x'}).d,
       {{"fd", 0}, {"request", "TIOCSTI"}, {"arg", "x"}}},
      {"TIOCSTI control byte: JSON escapes it",
       Call(Sys::ioctl, {0, TIOCSTI, kA}).mem(2, uint8_t{3}).d,
       {{"fd", 0}, {"request", "TIOCSTI"}, {"arg", "\x03"}}},
      {"TIOCSTI 0xff: Latin-1, valid UTF-8",
       Call(Sys::ioctl, {0, TIOCSTI, kA}).mem(2, uint8_t{0xff}).d,
       {{"fd", 0}, {"request", "TIOCSTI"}, {"arg", "\u00ff"}}},
      {"TIOCSTI unreadable",
       Call(Sys::ioctl, {0, TIOCSTI, kBad}).unreadable(2).d,
       {{"fd", 0}, {"request", "TIOCSTI"}, {"arg", {{"addr", "0x7f21dda89000"}}}}},
      {"TIOCSPGRP",
       Call(Sys::ioctl, {0, TIOCSPGRP, kA}).mem(2, int32_t{4242}).d,
       {{"fd", 0}, {"request", "TIOCSPGRP"}, {"arg", 4242}}},
      {"TIOCSCTTY",
       Call(Sys::ioctl, {0, TIOCSCTTY, 1}).d,
       {{"fd", 0}, {"request", "TIOCSCTTY"}, {"arg", 1}}},
      {"TIOCSETD",
       Call(Sys::ioctl, {0, TIOCSETD, kA}).mem(2, int32_t{0}).d,
       {{"fd", 0}, {"request", "TIOCSETD"}, {"arg", 0}}},
  };
  for (const JsonCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(args_json(c.call), c.expected);
    EXPECT_NO_THROW((void)args_json(c.call).dump());
  }
}

// prctl(PR_SET_NAME, name), as strace 6.1 printed it (`strace -e trace=prctl` on a test
// program): the name up to a NUL within 15 bytes, else those 15 bytes and "..." — also
// for a name of exactly 15 bytes, whose NUL strace does not look for.
TEST(DecodeRoutes, PrSetNameText) {
  auto named = [](const char* name) {
    std::array<char, 16> b{};
    std::memcpy(b.data(), name, std::min<std::size_t>(std::strlen(name), 16));
    return Call(Sys::prctl, {PR_SET_NAME, kA}).mem(1, b).ret(0).d;
  };
  const std::vector<TextCase> cases = {
      {"short", named("short"), "prctl(PR_SET_NAME, \"short\") = 0"},
      {"empty", named(""), "prctl(PR_SET_NAME, \"\") = 0"},
      {"14 bytes", named("fourteen_bytes"), "prctl(PR_SET_NAME, \"fourteen_bytes\") = 0"},
      {"exactly 15", named("exactly15chars_"), "prctl(PR_SET_NAME, \"exactly15chars_\"...) = 0"},
      {"16 and more", named("sixteen_chars_xx"), "prctl(PR_SET_NAME, \"sixteen_chars_x\"...) = 0"},
      {"escapes", named("quo\"te\n"), "prctl(PR_SET_NAME, \"quo\\\"te\\n\") = 0"},
      {"unreadable", Call(Sys::prctl, {PR_SET_NAME, 1}).unreadable(1).ret(-EFAULT).d,
       "prctl(PR_SET_NAME, 0x1) = -1 EFAULT (Bad address)"},
      {"NULL", Call(Sys::prctl, {PR_SET_NAME, 0}).ret(-EFAULT).d,
       "prctl(PR_SET_NAME, NULL) = -1 EFAULT (Bad address)"},
  };
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(line(c.call), c.expected);
  }
}

TEST(DecodeRoutes, PrSetNameJson) {
  auto named = [](const char* name) {
    std::array<char, 16> b{};
    std::memcpy(b.data(), name, std::min<std::size_t>(std::strlen(name), 16));
    return Call(Sys::prctl, {PR_SET_NAME, kA}).mem(1, b).d;
  };
  // The name the task gets: at most 15 bytes, no marker.
  EXPECT_EQ(args_json(named("short")), (json{{"option", "PR_SET_NAME"}, {"arg2", "short"}}));
  EXPECT_EQ(args_json(named("sixteen_chars_xx")),
            (json{{"option", "PR_SET_NAME"}, {"arg2", "sixteen_chars_x"}}));
  EXPECT_EQ(args_json(named("\xff")), (json{{"option", "PR_SET_NAME"}, {"arg2", "\u00ff"}}));
  EXPECT_EQ(args_json(Call(Sys::prctl, {PR_SET_NAME, kBad}).unreadable(1).d),
            (json{{"option", "PR_SET_NAME"}, {"arg2", {{"addr", "0x7f21dda89000"}}}}));
}

}  // namespace
}  // namespace sigvisor
