// Issue 13, point 1: prlimit64 on another process is a target-carrying call (the limit
// family). examples/prlimit_tree reads and sets limits of itself and of its child; a
// prlimit64 with pid 0 never leaves the kernel; the text is strace 6.1's, line for line.
#include <gtest/gtest.h>
#include <unistd.h>

#include "harness.h"
#include "strace_text.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

class Limit : public SigvisorTest {};

// The prlimit64 events of a prlimit_tree run, after checking it ran as natively.
std::vector<json> tree_calls(const Outcome& r) {
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("child RLIMIT_CPU=3600\n"), std::string::npos) << r.out;
  expect_gapless(r);
  return of_kind(r, "syscall", "prlimit64");
}

TEST_F(Limit, TargetsInsideTheTreeUnderCiIsolation) {
  Outcome r = run_sigvisor({"-P", "ci-isolation"}, {example("prlimit_tree")});
  auto calls = tree_calls(r);
  // self_by_0 and negative_pid are never intercepted: 1 own pid + 1 child's read of its
  // parent + 5 on the child + 1 on a pid that names nobody.
  ASSERT_EQ(calls.size(), 8u) << r.trace;
  for (const auto& c : calls) EXPECT_NE(c["args"]["pid"], 0) << c;

  const int self = calls[0]["pid"];
  EXPECT_EQ(calls[0]["args"]["pid"], self);
  EXPECT_EQ(calls[0]["target"]["scope"], "self");
  EXPECT_EQ(calls[0]["action"], "allow");

  const json& parent = calls[1];  // the child reads its parent's RLIMIT_NOFILE
  EXPECT_NE(parent["pid"], self);
  EXPECT_EQ(parent["args"]["pid"], self);
  EXPECT_EQ(parent["args"]["resource"], "RLIMIT_NOFILE");
  EXPECT_EQ(parent["target"]["scope"], "sandbox");
  EXPECT_EQ(parent["action"], "allow");
  const int child = parent["pid"];

  for (std::size_t i = 2; i < 7; ++i) {
    EXPECT_EQ(calls[i]["args"]["pid"], child);
    EXPECT_EQ(calls[i]["target"]["scope"], "child");
    EXPECT_EQ(calls[i]["target"]["comm"], "prlimit_tree");
    EXPECT_EQ(calls[i]["action"], "allow");
    EXPECT_EQ(calls[i]["racy"], false);
  }
  EXPECT_EQ(calls[2]["args"]["new_limit"],
            (json{{"rlim_cur", 3600}, {"rlim_max", "RLIM64_INFINITY"}}));
  EXPECT_EQ(calls[2]["args"]["old_limit"], nullptr);
  // Reading another process's limits is recorded as well as setting them.
  EXPECT_EQ(calls[3]["args"]["new_limit"], nullptr);

  // A pid that cannot exist is outside: refused, with the kernel's own errno (ESRCH).
  EXPECT_EQ(calls[7]["args"]["pid"], 0x7ffffff0);
  EXPECT_EQ(calls[7]["target"]["scope"], "outside");
  EXPECT_EQ(calls[7]["action"], "deny");
  EXPECT_EQ(calls[7]["errno"], "ESRCH");
  // A negative pid stays in the kernel, which fails it with ESRCH.
  EXPECT_NE(r.out.find("negative_pid=ESRCH\n"), std::string::npos) << r.out;
}

TEST_F(Limit, PidZeroIsNeverIntercepted) {
  // -e trace=limit prints every prlimit64 the filter routes: none with pid 0, although
  // the dynamic loader and the program make such calls.
  Outcome r = run_sigvisor({"-e", "trace=limit"}, {example("prlimit_tree")});
  auto calls = tree_calls(r);
  EXPECT_EQ(calls.size(), 8u) << r.trace;
  for (const auto& c : calls) EXPECT_GT(c["args"]["pid"], 0) << c;
  EXPECT_TRUE(lines_with(r.trace, "prlimit64(0,").empty()) << r.trace;
  EXPECT_NE(r.out.find("self_by_0=0\n"), std::string::npos) << r.out;
}

TEST_F(Limit, OutsideTargetsAreRecordedUnderTrace) {
  Canary canary;
  ASSERT_GT(canary.pid(), 0);
  // The permissive policy lets it through (trace polices nothing) but records it.
  Outcome r = run_sigvisor({}, {example("prlimit_canary"), std::to_string(canary.pid())});
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  auto calls = of_kind(r, "syscall", "prlimit64");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "outside");
  EXPECT_EQ(calls[0]["target"]["pid"], canary.pid());
  EXPECT_EQ(calls[0]["action"], "allow");
}

// strace -f -e trace=prlimit64 against sigvisor --results -e trace=limit on the same
// program with ASLR off: equal lines, once strace's calls with pid 0 or a negative pid
// (which sigvisor never intercepts, by design) are left out.
TEST_F(Limit, DecodedLikeStrace) {
  if (run_native({"strace", "-V"}, 10).exit_status != 0) GTEST_SKIP() << "strace is missing";
  if (run_native({"setarch", "-R", "true"}, 10).exit_status != 0) {
    GTEST_SKIP() << "setarch -R cannot disable ASLR here";
  }
  const std::string prog = example("prlimit_tree");
  const std::string file = temp_path("strace.txt");
  Outcome native = run_native({"strace", "-f", "-qq", "-e", "trace=prlimit64", "-e", "signal=none",
                               "-o", file, "setarch", "-R", prog});
  ASSERT_EQ(native.exit_status, 0) << native.err;
  Outcome r = run_sigvisor({"--results", "-e", "trace=limit"}, {"setarch", "-R", prog});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;

  auto want = task_lines(read_file(file));
  for (auto& [task, lines] : want) {
    std::erase_if(lines, [](const std::string& l) {
      return l.rfind("prlimit64(0,", 0) == 0 || l.rfind("prlimit64(-", 0) == 0;
    });
  }
  std::erase_if(want, [](const auto& kv) { return kv.second.empty(); });
  auto got = task_lines(r.trace);
  ASSERT_EQ(want.size(), 2u) << read_file(file);
  EXPECT_EQ(got, want) << "strace:\n" << read_file(file) << "sigvisor:\n" << r.trace;
  EXPECT_EQ(got["T1"].front(),
            "prlimit64(T1, RLIMIT_CORE, NULL, {rlim_cur=0, rlim_max=RLIM64_INFINITY}) = 0");
}

}  // namespace
}  // namespace sigvisor::test
