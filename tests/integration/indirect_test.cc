// Issue 6: indirect routes (fcntl F_SETOWN / F_SETOWN_EX / F_SETSIG, ioctl TIOCSIG, prctl
// PR_SET_PDEATHSIG) are intercepted, decoded as strace prints them, given targets, and
// policed by `target` rules; ordinary fcntl/ioctl/prctl commands are not intercepted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

std::vector<json> with_cmd(const Outcome& r, const std::string& sys, const std::string& key,
                           const std::string& cmd) {
  std::vector<json> out;
  for (const auto& e : of_kind(r, "syscall", sys)) {
    if (e["args"][key] == cmd) out.push_back(e);
  }
  return out;
}

class Indirect : public SigvisorTest {};

TEST_F(Indirect, RecordedWithTargetsUnderTheDefaultPolicy) {
  Canary canary;
  ASSERT_GT(canary.pid(), 0);
  const std::string cp = std::to_string(canary.pid());
  Outcome r = run_sigvisor({}, {example("indirect_signals"), cp});
  ASSERT_EQ(r.exit_status, 0) << r.out << r.err;
  expect_gapless(r);
  EXPECT_NE(r.out.find("F_SETOWN=0\n"), std::string::npos) << r.out;

  // Only the intercepted commands: F_GETFL, FIONREAD, PR_GET_NAME, TIOCSCTTY... are not.
  auto fcntls = of_kind(r, "syscall", "fcntl");
  ASSERT_EQ(fcntls.size(), 4u) << r.trace;
  for (const auto& e : of_kind(r, "syscall", "ioctl")) EXPECT_EQ(e["args"]["request"], "TIOCSIG");
  for (const auto& e : of_kind(r, "syscall", "prctl")) {
    EXPECT_EQ(e["args"]["option"], "PR_SET_PDEATHSIG");
  }

  const json& own = fcntls[0];
  EXPECT_EQ(own["args"]["cmd"], "F_SETOWN");
  EXPECT_EQ(own["args"]["arg"], canary.pid());
  EXPECT_EQ(own["target"]["pid"], canary.pid());
  EXPECT_EQ(own["target"]["scope"], "outside");
  EXPECT_EQ(own["target"]["exists"], true);
  EXPECT_EQ(own["action"], "allow");
  EXPECT_EQ(own["racy"], false);

  // F_SETSIG aims at the fd's current owner: the canary, asked of the kernel.
  const json& sig = fcntls[1];
  EXPECT_EQ(sig["args"]["cmd"], "F_SETSIG");
  EXPECT_EQ(sig["args"]["arg"], "SIGUSR1");
  EXPECT_EQ(sig["target"]["pid"], canary.pid());
  EXPECT_EQ(sig["target"]["scope"], "outside");

  const int self = own["pid"];
  const json& ex = fcntls[2];
  EXPECT_EQ(ex["args"]["cmd"], "F_SETOWN_EX");
  EXPECT_EQ(ex["args"]["arg"], (json{{"type", "F_OWNER_PID"}, {"pid", self}}));
  EXPECT_EQ(ex["target"]["scope"], "self");
  EXPECT_EQ(ex["target"]["pid"], self);
  EXPECT_EQ(fcntls[3]["args"]["arg"], 0);
  EXPECT_EQ(fcntls[3]["target"]["scope"], "self");  // no owner: nobody

  auto pdeath = of_kind(r, "syscall", "prctl");
  ASSERT_EQ(pdeath.size(), 1u);
  EXPECT_EQ(pdeath[0]["args"]["arg2"], "SIGTERM");
  EXPECT_EQ(pdeath[0]["target"]["scope"], "self");
  EXPECT_EQ(pdeath[0]["target"]["pid"], self);

  // strace 6.1's text.
  const std::string fd = std::to_string(own["args"]["fd"].get<int>());
  EXPECT_EQ(lines_with(r.trace, "fcntl(" + fd + ", F_SETOWN, " + cp + ")").size(), 1u) << r.trace;
  EXPECT_EQ(lines_with(r.trace, "fcntl(" + fd + ", F_SETSIG, SIGUSR1)").size(), 1u) << r.trace;
  EXPECT_EQ(
      lines_with(r.trace, "F_SETOWN_EX, {type=F_OWNER_PID, pid=" + std::to_string(self) + "})")
          .size(),
      1u);
  EXPECT_EQ(lines_with(r.trace, "prctl(PR_SET_PDEATHSIG, SIGTERM)").size(), 1u) << r.trace;

  if (r.out.find("tiocsig=skipped") != std::string::npos) {
    GTEST_SKIP() << "no ptys here: TIOCSIG not exercised (" << r.out << ")";
  }
  EXPECT_NE(r.out.find("tiocsig=delivered"), std::string::npos) << r.out;
  auto tiocsig = with_cmd(r, "ioctl", "request", "TIOCSIG");
  ASSERT_EQ(tiocsig.size(), 1u) << r.trace;
  EXPECT_EQ(tiocsig[0]["args"]["arg"], "SIGINT");
  // The pty's foreground group: the child's own session, a sandbox process group.
  EXPECT_EQ(tiocsig[0]["target"]["scope"], "group");
  const int group = tiocsig[0]["target"]["pid"];
  bool child_spawned = false;
  for (const auto& s : of_kind(r, "spawn")) child_spawned |= s["child"]["pid"] == -group;
  EXPECT_TRUE(child_spawned) << "TIOCSIG's group is not the forked child's: " << group;
  EXPECT_EQ(lines_with(r.trace, "TIOCSIG, 0x2)").size(), 1u) << r.trace;
}

TEST_F(Indirect, CiIsolationRefusesAnOwnerOutsideTheSandbox) {
  Canary canary;
  ASSERT_GT(canary.pid(), 0);
  Outcome r = run_sigvisor({"-P", "ci-isolation"},
                           {example("indirect_signals"), std::to_string(canary.pid())});
  ASSERT_EQ(r.exit_status, 0) << r.out << r.err;
  expect_gapless(r);
  EXPECT_NE(r.out.find("F_SETOWN=EPERM\n"), std::string::npos) << r.out;
  // Everything aimed inside still works.
  for (const char* ok : {"F_SETSIG=0\n", "F_SETOWN_EX=0\n", "PR_SET_PDEATHSIG=0\n"}) {
    EXPECT_NE(r.out.find(ok), std::string::npos) << ok << r.out;
  }
  auto own = with_cmd(r, "fcntl", "cmd", "F_SETOWN");
  ASSERT_EQ(own.size(), 2u) << r.trace;
  EXPECT_EQ(own[0]["action"], "deny");
  EXPECT_EQ(own[0]["rule"], "stay-inside");
  EXPECT_EQ(own[0]["errno"], "EPERM");
  EXPECT_EQ(own[0]["target"]["scope"], "outside");
  EXPECT_EQ(own[0]["target"]["pid"], canary.pid());
  EXPECT_EQ(own[1]["action"], "allow");  // F_SETOWN 0
  // The owner was never set, so F_SETSIG aims at nobody.
  auto sig = with_cmd(r, "fcntl", "cmd", "F_SETSIG");
  ASSERT_EQ(sig.size(), 1u);
  EXPECT_EQ(sig[0]["action"], "allow");
  EXPECT_EQ(sig[0]["target"]["scope"], "self");
  EXPECT_EQ(lines_with(r.trace, "(DENIED by rule \"stay-inside\")").size(), 1u) << r.trace;
}

}  // namespace
}  // namespace sigvisor::test
