// Calls the kernel rejects on their arguments (scope `invalid`, DESIGN.md §6): the
// program gets the kernel's own errno under every policy, the same output as natively,
// and each call is an event with scope `invalid` — allowed through, except an fd that is
// no pidfd, which sigvisor answers itself with EBADF (rule "invalid-target").
#include <gtest/gtest.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

const char* const kSendCalls[] = {
    "kill",      "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal",
    "pidfd_open"};

class InvalidTargets : public SigvisorTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(InvalidTargets, KernelErrnosAsNativelyAndScopeInvalid) {
  Outcome native = run_native({example("invalid_targets")});
  ASSERT_EQ(native.exit_status, 0);
  ASSERT_NE(native.out.find("tkill(-1, SIGUSR1) = -1 EINVAL"), std::string::npos) << native.out;

  std::vector<std::string> args;
  if (*GetParam() != '\0') args = {"-P", GetParam()};
  Outcome r = run_sigvisor(args, {example("invalid_targets")});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, native.out);
  expect_gapless(r);

  std::size_t calls = 0;
  std::size_t answered = 0;
  for (const char* name : kSendCalls) {
    for (const auto& e : of_kind(r, "syscall", name)) {
      ++calls;
      EXPECT_EQ(e["target"]["scope"], "invalid") << e.dump();
      EXPECT_EQ(e["target"]["exists"], false) << e.dump();
      if (e["action"] == "deny") {
        ++answered;
        EXPECT_EQ(e["syscall"], "pidfd_send_signal") << e.dump();
        EXPECT_EQ(e["rule"], "invalid-target") << e.dump();
        EXPECT_EQ(e["errno"], "EBADF") << e.dump();
      } else {
        EXPECT_EQ(e["action"], "allow") << e.dump();
        EXPECT_EQ(e["rule"], nullptr) << e.dump();
      }
    }
  }
  EXPECT_EQ(calls, 18u) << r.trace;
  // fd 0 (/dev/null), a pipe and a closed fd; fd -1 is a register and goes to the kernel.
  EXPECT_EQ(answered, 3u) << r.trace;
  EXPECT_EQ(lines_with(r.trace, "-> nobody, invalid)").size(), 16u) << r.trace;  // 2 pidfd_open
}

INSTANTIATE_TEST_SUITE_P(Policies, InvalidTargets,
                         ::testing::Values("", "ci-isolation", "untrusted", "trace"),
                         [](const auto& info) {
                           std::string n = *info.param ? info.param : "default";
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

}  // namespace
}  // namespace sigvisor::test
