// -e trace=SET chooses which calls are printed (src/cli/trace_set.h): names, families, and a
// leading `!` that negates the whole list. Checked on examples/all_signal_calls, whose
// calls are known one by one (summary_test.cc kExpected), with --results so that every
// call of the family, rt_sigreturn included, reaches the supervisor.
#include <gtest/gtest.h>

#include <set>

#include "harness.h"
#include "strace_text.h"

namespace sigvisor::test {
namespace {

// Syscall names printed in the text trace and in the JSON events, with their counts.
std::map<std::string, int> printed(const Outcome& r, std::map<std::string, int>* json = nullptr) {
  std::map<std::string, int> out;
  for (const auto& [task, lines] : task_lines(r.trace)) {
    for (const auto& l : lines) ++out[l.substr(0, l.find('('))];
  }
  if (json != nullptr) {
    for (const auto& e : of_kind(r, "syscall")) ++(*json)[e["syscall"].get<std::string>()];
  }
  return out;
}

class TraceFilter : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
#if !defined(__x86_64__)
    GTEST_SKIP() << "the expected counts are x86_64's";
#endif
  }
};

TEST_F(TraceFilter, MaskPrintsOnlyRtSigprocmask) {
  Outcome r = run_sigvisor({"--results", "-e", "trace=mask"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  expect_gapless(r);
  std::map<std::string, int> json;
  EXPECT_EQ(printed(r, &json), (std::map<std::string, int>{{"rt_sigprocmask", 11}})) << r.trace;
  EXPECT_EQ(json, (std::map<std::string, int>{{"rt_sigprocmask", 11}}));
  // Not a filter of everything else: deliveries and exits are still reported.
  EXPECT_FALSE(of_kind(r, "signal").empty());
  EXPECT_EQ(of_kind(r, "exit").size(), 2u);
}

TEST_F(TraceFilter, NamesAndFamiliesCombine) {
  Outcome r =
      run_sigvisor({"--results", "-e", "trace=tgkill,stack,%fd"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  EXPECT_EQ(printed(r), (std::map<std::string, int>{
                            {"tgkill", 3}, {"sigaltstack", 6}, {"signalfd4", 3}, {"signalfd", 1}}))
      << r.trace;
}

TEST_F(TraceFilter, LeadingBangNegatesTheWholeList) {
  // !kill: everything but kill (tkill and tgkill stay).
  Outcome r = run_sigvisor({"--results", "-e", "trace=!kill"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  auto got = printed(r);
  EXPECT_EQ(got.count("kill"), 0u) << r.trace;
  EXPECT_EQ(got["tkill"], 3);
  EXPECT_EQ(got["tgkill"], 3);
  EXPECT_EQ(got["rt_sigreturn"], 2);
  EXPECT_EQ(got.size(), 16u) << r.trace;

  // !send,mask: neither the send family nor rt_sigprocmask.
  Outcome both =
      run_sigvisor({"--results", "-e", "trace=!send,mask"}, {example("all_signal_calls")});
  ASSERT_EQ(both.exit_status, 0) << both.err;
  std::set<std::string> names;
  for (const auto& [name, n] : printed(both)) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"rt_sigaction", "signalfd4", "signalfd",
                                          "rt_sigtimedwait", "rt_sigsuspend", "pause",
                                          "rt_sigpending", "sigaltstack", "rt_sigreturn"}))
      << both.trace;
}

TEST_F(TraceFilter, BangInsideTheListIsAnError) {
  // Negation applies to the whole list only (cli/trace_set.h): `send,!kill` names a syscall
  // "!kill", which does not exist. Bad usage: exit 2 and the name, before anything runs.
  Outcome r = run_sigvisor({"-e", "trace=send,!kill"}, {example("all_signal_calls")});
  EXPECT_EQ(r.exit_status, 2) << r.err;
  EXPECT_NE(r.err.find("unknown syscall or family \"!kill\""), std::string::npos) << r.err;
  EXPECT_TRUE(r.events.empty());
}

}  // namespace
}  // namespace sigvisor::test
