// Job control on a terminal, through a pseudo-terminal and an interactive bash
// (pty_job_control.py): ^Z stops the job and gives the prompt back, fg resumes it, a
// background job reading the terminal stops, ^C ends the job — each transcript the same
// natively and under sigvisor (the job-control proxy, src/terminal/job_control.h).
#include "harness.h"

namespace sigvisor::test {
namespace {

class Terminal : public SigvisorTest,
                 public ::testing::WithParamInterface<std::tuple<const char*, std::string>> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (run_native({"python3", "-c", "import pty"}).exit_status != 0) {
      GTEST_SKIP() << "python3 with the pty module is needed";
    }
    if (run_native({"bash", "--version"}).exit_status != 0) GTEST_SKIP() << "bash is needed";
  }
};

const std::string kDriver =
    std::string(SIGVISOR_SOURCE_DIR) + "/tests/integration/pty_job_control.py";

TEST_P(Terminal, TheShellSeesTheSameJobAsNatively) {
  const char* scenario = std::get<0>(GetParam());
  Outcome native = run_native({"python3", kDriver, scenario}, 90);
  ASSERT_EQ(native.exit_status, 0) << native.out << native.err;
  const std::string events = temp_path("events");
  std::vector<std::string> cmd = {"python3", kDriver,     scenario, SIGVISOR_BIN,
                                  "-o",      "/dev/null", "--json", events};
  for (const auto& a : policy_args(std::get<1>(GetParam()))) cmd.push_back(a);
  for (const auto& a : variant_args()) cmd.push_back(a);
  cmd.push_back("--");
  Outcome r = run_native(cmd, 90);
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, native.out) << r.err;
  if (std::string(scenario) == "ctrl_z_and_fg") {
    bool stopped = false;
    for (const auto& e : read_events(events)) {
      if (e.value("event", "") == "stop" && e.value("sig", "") == "SIGTSTP") stopped = true;
    }
    EXPECT_TRUE(stopped) << read_file(events);
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Terminal,
                         ::testing::Combine(::testing::Values("ctrl_z_and_fg", "background_read",
                                                              "ctrl_c"),
                                            ::testing::ValuesIn(transparency_policies())));

}  // namespace
}  // namespace sigvisor::test
