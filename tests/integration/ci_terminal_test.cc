// A CI job on a terminal (pty_ci.py, through a pseudo-terminal and an interactive bash):
// ^C, ^Z and ^\ reach the foreground job once — both of its processes — natively, under
// sigvisor sharing the terminal and with --pty; with stdin elsewhere sigvisor's group
// holds the terminal and passes the keys on to the job's group; there, the third ^C in a
// row ends the tree (the documented force, docs/ci.md).
#include <cstdlib>

#include "harness.h"

namespace sigvisor::test {
namespace {

const std::string kDriver = std::string(SIGVISOR_SOURCE_DIR) + "/tests/integration/pty_ci.py";

class CiTerminal : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (run_native({"python3", "-c", "import pty"}).exit_status != 0) {
      GTEST_SKIP() << "python3 with the pty module is needed";
    }
    if (run_native({"bash", "--version"}).exit_status != 0) GTEST_SKIP() << "bash is needed";
    setenv("SIGVISOR_EXAMPLES_DIR", SIGVISOR_EXAMPLES_DIR, 1);
  }
  // The scenario's transcript, natively (`sigvisor` empty) or with that prefix.
  Outcome transcript(const char* scenario, const std::vector<std::string>& sigvisor) {
    const std::string log = temp_path("ci-log");
    std::vector<std::string> cmd = {"python3", kDriver, scenario, log};
    cmd.insert(cmd.end(), sigvisor.begin(), sigvisor.end());
    return run_native(cmd, 110);
  }
  std::vector<std::string> sigvisor(const std::string& policy, bool pty) {
    events_ = temp_path("ci-events");
    std::vector<std::string> c = {SIGVISOR_BIN, "-o", "/dev/null", "--json", events_};
    for (const auto& a : policy_args(policy)) c.push_back(a);
    if (pty) c.push_back("--pty");
    if (results_mode()) c.push_back("--results");
    c.push_back("--");
    return c;
  }
  void keep_events() { append_events_log(read_file(events_)); }
  std::string events_;
};

TEST_F(CiTerminal, CtrlCCtrlZCtrlBackslashReachTheJobOnce) {
  Outcome native = transcript("interrupt_stop_quit", {});
  ASSERT_EQ(native.exit_status, 0) << native.out << native.err;
  ASSERT_EQ(native.out,
            "Stopped\nrunner and worker stopped\n"
            "runner: SIGINT, SIGQUIT, worker exited 8\nworker: SIGINT, SIGQUIT\nstatus=8\n");
  for (const std::string policy : transparency_policies()) {
    for (bool pty : {false, true}) {
      SCOPED_TRACE(policy + (pty ? " --pty" : ""));
      Outcome r = transcript("interrupt_stop_quit", sigvisor(policy, pty));
      keep_events();
      EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
      EXPECT_EQ(r.out, native.out) << r.err;
    }
  }
}

TEST_F(CiTerminal, WithStdinElsewhereSigvisorPassesTheKeysOn) {
  Outcome native = transcript("redirected", {});
  ASSERT_EQ(native.exit_status, 0) << native.out << native.err;
  ASSERT_EQ(native.out,
            "runner: SIGINT, SIGINT, SIGQUIT, worker exited 8\n"
            "worker: SIGINT, SIGINT, SIGQUIT\nstatus=8\n");
  for (const std::string policy : transparency_policies()) {
    SCOPED_TRACE(policy);
    Outcome r = transcript("redirected", sigvisor(policy, false));
    keep_events();
    EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
    EXPECT_EQ(r.out, native.out) << r.err;
  }
}

TEST_F(CiTerminal, TheThirdCtrlCInARowEndsTheTree) {
  Outcome r = transcript("third_ctrl_c", sigvisor("default", false));
  keep_events();
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            "sigvisor: ^C three times: killed\n"
            "runner: SIGINT, SIGINT\nworker: SIGINT, SIGINT\nstatus=130\n")
      << r.err;
}

}  // namespace
}  // namespace sigvisor::test
