// sigvisor under a low RLIMIT_NOFILE (what prlimit on sigvisor did before prlimit64 was
// policed, and what a caller may impose): it either refuses to start with one line, or
// starts with every descriptor its control loop needs — so --timeout still ends the tree,
// and nothing hangs. sigvisor opens no descriptor the timeout path needs after start.
#include <algorithm>

#include "harness.h"

namespace sigvisor::test {
namespace {

class ResourceLimits : public SigvisorTest {};

TEST_F(ResourceLimits, TooFewDescriptorsFailAtStartOrTheTimeoutStillFires) {
  if (run_native({"prlimit", "--version"}).exit_status != 0) GTEST_SKIP() << "no prlimit(1)";
#ifdef __SANITIZE_ADDRESS__
  // The sanitizer runtimes open descriptors of their own (UBSan's vptr check reads the
  // memory map): under a few descriptors they report errors that are theirs, not ours.
  GTEST_SKIP() << "sanitizer build: the sanitizer runtimes need descriptors of their own";
#endif
  int started = 0;
  // Every limit up to 24, then a few the kernel engine's programs fit in.
  std::vector<int> limits;
  for (int n = 4; n <= 24; ++n) limits.push_back(n);
  limits.insert(limits.end(), {32, 48, 64});
  for (int n : limits) {
    Outcome r = run_native(
        {"prlimit", "--nofile=" + std::to_string(n), SIGVISOR_BIN, "-o", "/dev/null", "--timeout",
         "1", "--timeout-signal", "KILL", "--", "/bin/sh", "-c", "sleep 30 & sleep 30"},
        30);
    SCOPED_TRACE("RLIMIT_NOFILE " + std::to_string(n) + ": " + r.err);
    // Below a handful the dynamic loader itself cannot open sigvisor's libraries.
    if (r.exit_status == 127 &&
        r.err.find("error while loading shared libraries") != std::string::npos) {
      continue;
    }
    if (r.exit_status == 1) {
      // One line, naming what could not be made; the program never ran.
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'),
                1 + (r.err.find("note: kernel trace unavailable") != std::string::npos ? 1 : 0));
      EXPECT_NE(r.err.find("Too many open files"), std::string::npos);
      continue;
    }
    ++started;
    EXPECT_EQ(r.exit_status, 124);
    EXPECT_NE(r.err.find("sigvisor: timeout after 1 s: killed 3 processes"), std::string::npos);
  }
  EXPECT_GT(started, 0) << "no limit let sigvisor start";
}

}  // namespace
}  // namespace sigvisor::test
