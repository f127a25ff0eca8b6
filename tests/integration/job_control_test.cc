// Job control as natively, without a terminal: a parent stopping its child sees the stop
// (WUNTRACED), each group stop is printed as strace prints it, and --results shows the
// call a task died in as strace does.
#include <sys/wait.h>

#include <regex>

#include "harness.h"
#include "strace_text.h"

namespace sigvisor::test {
namespace {

class JobControl : public SigvisorTest,
                   public ::testing::WithParamInterface<std::tuple<const char*, std::string>> {};

TEST_P(JobControl, AParentSeesItsChildStopAsNatively) {
  const char* sig = std::get<0>(GetParam());
  const std::vector<std::string> cmd = {example("stop_child"), sig};
  Outcome native = run_native(cmd, 20);
  ASSERT_EQ(native.exit_status, 0) << native.err;
  ASSERT_NE(native.out.find("child stopped by"), std::string::npos) << native.out;
  Outcome r = run_sigvisor(policy_args(std::get<1>(GetParam())), cmd, 20);
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, native.out);
  // The stop is printed as strace prints it, once, for the child.
  const std::string name = std::string("SIG") + sig;
  EXPECT_EQ(lines_with(r.trace, "--- stopped by " + name + " ---").size(), 1u) << r.trace;
  auto stops = of_kind(r, "stop");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0]["sig"], name);
  EXPECT_EQ(stops[0]["comm"], "stop_child");
  if (runnable({"strace", "-V"})) {
    const std::string file = temp_path("strace.txt");
    Outcome s =
        run_native({"strace", "-f", "-qq", "-e", "trace=none", "-o", file, cmd[0], cmd[1]}, 20);
    ASSERT_EQ(s.exit_status, 0) << s.err;
    EXPECT_EQ(lines_with(read_file(file), "--- stopped by " + name + " ---").size(), 1u)
        << read_file(file);
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, JobControl,
                         ::testing::Combine(::testing::Values("STOP", "TSTP", "TTIN", "TTOU"),
                                            ::testing::ValuesIn(transparency_policies())));

TEST_F(SigvisorTest, ResultsShowTheCallATaskDiedIn) {
  // "Why did it hang?": the program waits in pause() until --timeout kills it.
  Outcome r = run_sigvisor({"--results", "--timeout", "1", "--timeout-signal", "KILL"},
                           {example("cleanup_on_term")});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  // strace's line for it, `=` in the result column (40, prefix included), then the death.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.trace, m,
      std::regex(
          R"((\[pid +[0-9]+\] pause\( <unfinished \.\.\.>\) +)= \?\n\[pid +[0-9]+\] \+\+\+ killed by SIGKILL \+\+\+)")))
      << r.trace;
  EXPECT_EQ(m[1].length(), 40) << r.trace;
  auto pauses = of_kind(r, "syscall", "pause");
  ASSERT_EQ(pauses.size(), 1u);
  EXPECT_EQ(pauses[0].value("unfinished", false), true);
  EXPECT_EQ(pauses[0]["retval"], nullptr);
}

}  // namespace
}  // namespace sigvisor::test
