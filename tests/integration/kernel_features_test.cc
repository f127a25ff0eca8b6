// What sigvisor says of the kernel it runs on (kernel/kernel_features.h): `--doctor`, the
// policy event's "kernel" record, and the note on stderr when a refusal had no kernel
// backstop, checked against the same probes on whatever kernel runs the suite (the kernel
// matrix runs it on 6.1, where Landlock's signal scope is missing, and on newer ones).
#include <gtest/gtest.h>

#include <string>

#include "harness.h"
#include "kernel/kernel_features.h"

namespace sigvisor::test {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Doctor, ReportsEveryFeatureAsTheProbesSeeIt) {
  Outcome r = run_native({SIGVISOR_BIN, "--doctor"});
  const bool runs =
      missing(Feature::seccomp_user_notif).empty() && missing(Feature::ptrace).empty();
  EXPECT_EQ(r.exit_status, runs ? 0 : 1) << r.out;
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const Feature f = feature_at(i);
    const std::string key(facts(f).key);
    const std::string why = missing(f);
    EXPECT_EQ(count_of(r.out, (why.empty() ? "[yes] " : "[no]  ") + key + ": "), 1u) << key << ":\n"
                                                                                     << r.out;
    if (!why.empty())
      EXPECT_NE(r.out.find("      here: " + why + "\n"), std::string::npos) << r.out;
  }
}

TEST(Doctor, TakesNoProgram) {
  Outcome r = run_native({SIGVISOR_BIN, "--doctor", "true"});
  EXPECT_EQ(r.exit_status, 2);
}

class KernelRecord : public SigvisorTest {};

// Under ci-isolation, calls aimed at pid 1 are refused. Where the kernel has Landlock's
// signal scope nothing is said; where it has not, one note (not one per refusal), and the
// policy event records the kernel either way.
TEST_F(KernelRecord, ARefusalWithoutBackstopIsSaidOnceAndRecorded) {
  Outcome r =
      run_sigvisor({"-P", "ci-isolation"}, {"/bin/sh", "-c", "kill -0 1; kill -0 1; exit 0"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  const std::string why = missing(Feature::landlock_signal_scope);
  EXPECT_EQ(count_of(r.err, std::string(kBackstopNote)), why.empty() ? 0u : 1u) << r.err;
  if (!why.empty()) EXPECT_NE(r.err.find("kill aimed at 1 (init)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << "no warning on every run: " << r.err;
  auto policy = of_kind(r, "policy");
  ASSERT_EQ(policy.size(), 1u);
  const auto& k = policy[0]["kernel"];
  EXPECT_EQ(k["features"]["landlock_signal_scope"], why.empty()) << k;
  EXPECT_EQ(k["features"]["seccomp_user_notif"], true) << k;
  bool noted = false;
  for (const auto& n : k["notes"]) noted |= n.get<std::string>().rfind("Landlock", 0) == 0;
  EXPECT_EQ(noted, !why.empty()) << k;
}

// A run that never aims outside says nothing of the kernel, whatever it lacks.
TEST_F(KernelRecord, ARunThatStaysInsideSaysNothing) {
  Outcome r = run_sigvisor({"-P", "ci-isolation"}, {"/bin/sh", "-c", "kill -0 $$; exit 0"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.err.find(std::string(kBackstopNote)), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

// -c ends its table with the kernel's notes (and its JSON summary carries them).
TEST_F(KernelRecord, TheSummaryEndsWithTheNotes) {
  Outcome r = run_sigvisor({"-c", "-P", "ci-isolation"}, {"/bin/sh", "-c", "kill -0 $$"});
  auto policy = of_kind(r, "policy");
  auto summary = of_kind(r, "summary");
  ASSERT_EQ(policy.size(), 1u);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0]["kernel_notes"], policy[0]["kernel"]["notes"]);
  for (const auto& n : policy[0]["kernel"]["notes"]) {
    EXPECT_NE(r.trace.find("(kernel: " + n.get<std::string>() + ")\n"), std::string::npos)
        << r.trace;
  }
  EXPECT_EQ(count_of(r.trace, "(kernel: "), policy[0]["kernel"]["notes"].size()) << r.trace;
}

}  // namespace
}  // namespace sigvisor::test
