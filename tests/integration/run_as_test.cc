// --user: the program runs as another user with no capability left, as strace -u; the
// untrusted policy refuses to run a program as root.
#include <unistd.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

class RunAsUser : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (geteuid() != 0) GTEST_SKIP() << "--user needs sigvisor to run as root";
  }
};

TEST_F(RunAsUser, TheProgramRunsAsTheUserWithNoCapabilities) {
  Outcome r =
      run_sigvisor({"--user", "nobody"},
                   {"/bin/sh", "-c",
                    "id -u; id -g; grep -E '^(CapPrm|CapEff|CapAmb|Groups):' /proc/self/status"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out,
            "65534\n65534\nGroups:\t65534 \nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
            "CapAmb:\t0000000000000000\n");
  // Still traced and policed as any program: its calls and its exit are events.
  EXPECT_FALSE(of_kind(r, "syscall").empty());
  EXPECT_EQ(of_kind(r, "exit").size(), 4u);  // sh, id, id, grep
}

TEST_F(RunAsUser, UntrustedRefusesRootWithoutUser) {
  // run_sigvisor adds --user for untrusted; spelled by hand here to show the refusal.
  Outcome r = run_native({SIGVISOR_BIN, "-P", "untrusted", "--", "/bin/true"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err,
            "sigvisor: -P untrusted: policy \"untrusted\" will not run a program as root: name an "
            "unprivileged user with --user USER\n");
  Outcome ok = run_native(
      {SIGVISOR_BIN, "-o", "/dev/null", "-P", "untrusted", "--user", "nobody", "--", "/bin/true"});
  EXPECT_EQ(ok.exit_status, 0) << ok.err;
}

TEST_F(RunAsUser, AnUnknownUserIsOneLine) {
  Outcome r = run_native({SIGVISOR_BIN, "--user", "no-such-user-here", "--", "/bin/true"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: --user no-such-user-here: no such user: no-such-user-here\n");
}

}  // namespace
}  // namespace sigvisor::test
