// sigvisor exits as its program did: the program's code, its death by signal N (re-raised,
// so a parent sees WIFSIGNALED as natively; 128+N for a shell's $?),
// 127 / 126 when the program is not found / not executable, 2 for bad usage.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>

#include "harness.h"

namespace sigvisor::test {
namespace {

class ExitStatus : public SigvisorTest {};

TEST_F(ExitStatus, ProgramsOwnCode) {
  Outcome r = run_sigvisor({}, {"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(r.exit_status, 3);
  auto exits = of_kind(r, "exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["status"]["code"], 3);
  EXPECT_EQ(lines_with(r.trace, "+++ exited with 3 +++").size(), 1u) << r.trace;
}

TEST_F(ExitStatus, KilledBySignalIs128PlusN) {
  Outcome r = run_sigvisor({}, {"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(r.exit_status, 128 + 15);
  EXPECT_EQ(lines_with(r.trace, "+++ killed by SIGTERM +++").size(), 1u) << r.trace;
  // sh signalled itself: the delivery names sh as a sender in the sandbox.
  auto sigs = of_kind(r, "signal");
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0]["sender"]["comm"], "sh");
  EXPECT_EQ(sigs[0]["sender"]["scope"], "self");
}

// The parent's view, compared with the same program run natively: killed by the same
// signal, and never a core file from sigvisor itself.
class DeathSignal : public SigvisorTest,
                    public ::testing::WithParamInterface<std::tuple<const char*, std::string>> {};

TEST_P(DeathSignal, ParentSeesTheSameDeathAsNatively) {
  const char* sig = std::get<0>(GetParam());
  // No core file natively either (ulimit -c 0): the test leaves nothing behind.
  const std::vector<std::string> cmd = {"/bin/sh", "-c",
                                        std::string("ulimit -c 0; kill -") + sig + " $$"};
  Outcome native = run_native(cmd);
  Outcome r = run_sigvisor(policy_args(std::get<1>(GetParam())), cmd);
  ASSERT_TRUE(WIFSIGNALED(native.wait_status)) << native.wait_status;
  ASSERT_TRUE(WIFSIGNALED(r.wait_status)) << r.wait_status << r.err;
  EXPECT_EQ(WTERMSIG(r.wait_status), WTERMSIG(native.wait_status));
  EXPECT_FALSE(WCOREDUMP(r.wait_status)) << "sigvisor must not dump its own core";
  EXPECT_EQ(lines_with(r.trace, std::string("+++ killed by SIG") + sig).size(), 1u) << r.trace;
}

INSTANTIATE_TEST_SUITE_P(Signals, DeathSignal,
                         ::testing::Combine(::testing::Values("TERM", "INT", "KILL", "SEGV", "ABRT",
                                                              "USR1"),
                                            ::testing::ValuesIn(transparency_policies())));

TEST_F(ExitStatus, PythonSeesANegativeReturncodeAsNatively) {
  // How users meet it: subprocess reports -15 for a signal death, 143 for an exit(143).
  if (system("command -v python3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 not installed";
  const std::string script =
      "import subprocess,sys; "
      "r = subprocess.run(sys.argv[1:] + ['/bin/sh', '-c', 'kill -TERM $$']); print(r.returncode)";
  Outcome native = run_native({"python3", "-c", script});
  Outcome r = run_native({"python3", "-c", script, SIGVISOR_BIN, "-o", "/dev/null", "--"});
  EXPECT_EQ(native.out, "-15\n");
  EXPECT_EQ(r.out, native.out) << r.err;
}

TEST_F(ExitStatus, NotFoundIs127WithOneLine) {
  Outcome r = run_sigvisor({}, {"/nonexistent/program"});
  EXPECT_EQ(r.exit_status, 127);
  EXPECT_EQ(r.err, "sigvisor: /nonexistent/program: command not found\n");
}

TEST_F(ExitStatus, NotExecutableIs126WithOneLine) {
  std::string path = "/tmp/sigvisor-not-executable";
  std::ofstream(path) << "data\n";
  chmod(path.c_str(), 0644);
  Outcome r = run_sigvisor({}, {path});
  EXPECT_EQ(r.exit_status, 126);
  EXPECT_EQ(r.err, "sigvisor: " + path + ": cannot execute: Permission denied\n");
}

TEST_F(ExitStatus, BadUsageIs2) {
  Outcome r = run_sigvisor({"--format", "xml"}, {"/bin/true"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: --format xml: expected text or json\n");
  Outcome e = run_sigvisor({"-e", "trace=kil"}, {"/bin/true"});
  EXPECT_EQ(e.exit_status, 2);
  EXPECT_NE(e.err.find("unknown syscall or family \"kil\""), std::string::npos) << e.err;
}

}  // namespace
}  // namespace sigvisor::test
