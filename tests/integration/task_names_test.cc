// Current names (issue 14 point 3): after prctl(PR_SET_NAME) every event names the task by
// its new name — its very next call included, with no ptrace stop in between — without
// the kernel trace. The prctl itself is decoded as strace prints it, and recorded under
// the name the task had when it made the call.
#include <gtest/gtest.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

class TaskNames : public SigvisorTest {};

TEST_F(TaskNames, TheCallAfterARenameCarriesTheNewName) {
  Outcome r = run_sigvisor({"--no-kernel-trace"}, {example("rename_self"), "fresh-name"});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.out;
  auto renames = of_kind(r, "syscall", "prctl");
  ASSERT_EQ(renames.size(), 2u) << r.trace;
  EXPECT_EQ(renames[0]["args"]["option"], "PR_SET_NAME");
  EXPECT_EQ(renames[0]["args"]["arg2"], "fresh-name");
  EXPECT_EQ(renames[0]["comm"], "rename_self");  // the name it made the call under
  EXPECT_EQ(renames[0]["target"]["scope"], "self");
  EXPECT_EQ(renames[1]["args"]["arg2"], "fresh-name-kid");
  EXPECT_EQ(renames[1]["comm"], "fresh-name");  // the kid inherited its parent's new name
  EXPECT_NE(r.trace.find("prctl(PR_SET_NAME, \"fresh-name\")"), std::string::npos) << r.trace;
  // The kid's kill comes right after its prctl: no stop between them refreshed the name.
  const int kid = renames[1]["pid"];
  bool kid_killed = false;
  for (const auto& c : of_kind(r, "syscall", "kill")) {
    if (c["pid"] == kid) {
      kid_killed = true;
      EXPECT_EQ(c["comm"], "fresh-name-kid") << c.dump();
    } else {
      EXPECT_EQ(c["comm"], "fresh-name") << c.dump();
    }
  }
  EXPECT_TRUE(kid_killed) << r.trace;
  // The kid's send in text: who sent what to whom, by the new names.
  EXPECT_NE(r.trace.find("(SIGUSR1: fresh-name-kid(" + std::to_string(kid) + ") -> fresh-name("),
            std::string::npos)
      << r.trace;
}

// Names longer than the kernel keeps: strace's text (15 bytes and "..."), and the 15 bytes
// the task is named by afterwards.
TEST_F(TaskNames, ALongNameIsCutAsTheKernelCutsIt) {
  Outcome r =
      run_sigvisor({"--no-kernel-trace"}, {example("rename_self"), "a-much-longer-name-here"});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.out;
  EXPECT_NE(r.trace.find("prctl(PR_SET_NAME, \"a-much-longer-n\"...)"), std::string::npos)
      << r.trace;
  auto renames = of_kind(r, "syscall", "prctl");
  ASSERT_EQ(renames.size(), 2u) << r.trace;
  EXPECT_EQ(renames[0]["args"]["arg2"], "a-much-longer-n");
  for (const auto& c : of_kind(r, "syscall", "kill")) {
    if (c["pid"] != renames[1]["pid"]) EXPECT_EQ(c["comm"], "a-much-longer-n") << c.dump();
  }
}

}  // namespace
}  // namespace sigvisor::test
