// Every thread of sigvisor is the supervisor (threat model §9, issue 13 point 2): SIGKILL
// aimed at any of its thread ids through kill, tkill or tgkill is refused by the built-in
// protection under every policy, the permissive ones included, with and without Landlock.
// sigvisor survives (the run's status is the program's, or untrusted's abort status) and
// each attempt is an event: scope supervisor, deny (untrusted: abort at the first).
#include <gtest/gtest.h>

#include <set>

#include "escape_setup.h"
#include "harness.h"

namespace sigvisor::test {
namespace {

class SupervisorThreads : public SigvisorTest, public ::testing::WithParamInterface<Setup> {};

TEST_P(SupervisorThreads, EveryThreadIdIsRefused) {
  std::vector<std::string> args = {"-P", GetParam().policy};
  if (!GetParam().landlock) args.push_back("--no-landlock");
  Outcome r = run_sigvisor(args, {example("kill_supervisor_threads")});
  if (std::string(GetParam().policy) == "untrusted") {
    // The first attempt aborts the sandbox: sigvisor's own status, not a SIGKILL's.
    EXPECT_EQ(r.exit_status, 125) << "sigvisor did not survive: " << r.err << r.trace;
    std::size_t attempts = 0;
    for (const char* name : {"kill", "tkill", "tgkill"}) {
      for (const auto& e : of_kind(r, "syscall", name)) {
        ++attempts;
        EXPECT_EQ(e["target"]["scope"], "supervisor") << e.dump();
        EXPECT_EQ(e["action"], "abort") << e.dump();
      }
    }
    EXPECT_EQ(attempts, 1u) << r.trace;
    return;
  }
  ASSERT_EQ(r.exit_status, 0) << "sigvisor did not survive: " << r.err << r.trace;
  expect_gapless(r);
  auto found = lines_with(r.out, "threads: ");
  ASSERT_EQ(found.size(), 1u) << r.out;
  const int threads = std::stoi(found[0].substr(9));
  EXPECT_GE(threads, 2) << "sigvisor runs the notify receiver on its own thread";
  EXPECT_EQ(lines_with(r.out, "= -1 EPERM").size(), static_cast<std::size_t>(3 * threads)) << r.out;

  std::set<int64_t> tids;
  std::size_t attempts = 0;
  for (const char* name : {"kill", "tkill", "tgkill"}) {
    for (const auto& e : of_kind(r, "syscall", name)) {
      ++attempts;
      EXPECT_EQ(e["target"]["scope"], "supervisor") << e.dump();
      EXPECT_EQ(e["action"], "deny") << e.dump();
      EXPECT_EQ(e["errno"], "EPERM") << e.dump();
      EXPECT_EQ(e["args"]["sig"], "SIGKILL");
      // The built-in rule under trace; the ci policies' own rule of the same name.
      EXPECT_EQ(e["rule"], "protect-supervisor") << e.dump();
      tids.insert(e["args"].contains("tid") ? e["args"]["tid"].get<int64_t>()
                                            : e["args"]["pid"].get<int64_t>());
    }
  }
  EXPECT_EQ(attempts, static_cast<std::size_t>(3 * threads)) << r.trace;
  EXPECT_EQ(tids.size(), static_cast<std::size_t>(threads)) << r.trace;
}

INSTANTIATE_TEST_SUITE_P(Policies, SupervisorThreads, kEverySetup, setup_name);

}  // namespace
}  // namespace sigvisor::test
