// sigvisor exits as its program did: the program's code, 128+N when killed by signal N,
// 127 / 126 when the program is not found / not executable, 2 for bad usage.
#include <gtest/gtest.h>
#include <sys/stat.h>

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
