// Diagnostics: a task that died meanwhile is no failure; anything else is warned about
// once per call, and the debug trace only appears when asked for.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/diagnostics.h"

namespace sigvisor::test {
namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(Diagnostics, GoneTasksAreNotFailuresOthersAreWarnedOncePerCall) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Diagnostics d(f, false);
    d.call_failed("ptrace(PTRACE_CONT)", 10, ESRCH);
    EXPECT_EQ(d.unexpected_failures(), 0u);
    d.call_failed("ptrace(PTRACE_CONT)", 10, EIO);
    d.call_failed("ptrace(PTRACE_CONT)", 11, EIO);
    d.call_failed("ptrace(PTRACE_LISTEN)", 12, EINVAL);
    d.debug("not shown %d", 1);
    EXPECT_EQ(d.unexpected_failures(), 3u);
  }
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_EQ(out,
            "sigvisor: warning: ptrace(PTRACE_CONT) on 10 failed: Input/output error (further "
            "failures of this call not shown)\n"
            "sigvisor: warning: ptrace(PTRACE_LISTEN) on 12 failed: Invalid argument (further "
            "failures of this call not shown)\n");
}

TEST(Diagnostics, DebugTraceWhenAsked) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  Diagnostics d(f, true);
  d.debug("stop %d %s", 42, "delivery");
  d.call_failed("ptrace(PTRACE_CONT)", 43, ESRCH);
  const std::string out = contents(f);
  std::fclose(f);
  EXPECT_NE(out.find("]: stop 42 delivery\n"), std::string::npos) << out;
  EXPECT_NE(out.find("]: ptrace(PTRACE_CONT) on 43: task gone\n"), std::string::npos) << out;
}

TEST(Diagnostics, DebugRequestedByEnvironment) {
  const char* old = std::getenv("SIGVISOR_DEBUG");
  std::string saved = old != nullptr ? old : "";
  setenv("SIGVISOR_DEBUG", "1", 1);
  EXPECT_TRUE(Diagnostics::debug_requested());
  setenv("SIGVISOR_DEBUG", "0", 1);
  EXPECT_FALSE(Diagnostics::debug_requested());
  unsetenv("SIGVISOR_DEBUG");
  EXPECT_FALSE(Diagnostics::debug_requested());
  if (old != nullptr) setenv("SIGVISOR_DEBUG", saved.c_str(), 1);
}

}  // namespace
}  // namespace sigvisor::test
