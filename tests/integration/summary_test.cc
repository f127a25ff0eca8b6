// -c/--summary: the per-syscall table at exit (strace -c's layout plus a `denied` column)
// and the JSON `summary` event, on examples/all_signal_calls whose calls are known one by one.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness.h"
#include "strace_text.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// What all_signal_calls makes (its header comment lists the same), x86_64.
const std::map<std::string, CallCounts> kExpected = {
    {"rt_sigprocmask", {11, 3}},
    {"rt_sigaction", {12, 3}},
    {"kill", {8, 2}},
    {"tkill", {3, 1}},
    {"tgkill", {3, 1}},
    {"rt_sigqueueinfo", {2, 1}},
    {"rt_tgsigqueueinfo", {1, 0}},
    {"pidfd_open", {2, 1}},
    {"pidfd_send_signal", {3, 1}},
    {"signalfd4", {3, 2}},
    {"signalfd", {1, 0}},
    {"rt_sigtimedwait", {8, 2}},
    {"rt_sigpending", {4, 1}},
    {"rt_sigsuspend", {2, 2}},
    {"pause", {1, 1}},
    {"sigaltstack", {6, 2}},
    {"rt_sigreturn", {2, 2}},
};

std::map<std::string, CallCounts> summary_counts(const Outcome& r, uint64_t* denied = nullptr) {
  auto summaries = of_kind(r, "summary");
  EXPECT_EQ(summaries.size(), 1u) << r.trace;
  std::map<std::string, CallCounts> out;
  if (summaries.empty()) return out;
  for (const auto& row : summaries[0]["syscalls"]) {
    out[row["syscall"].get<std::string>()] = {row["calls"].get<uint64_t>(),
                                              row["errors"].get<uint64_t>()};
    if (denied != nullptr) *denied += row["denied"].get<uint64_t>();
  }
  return out;
}

class Summary : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
#if !defined(__x86_64__)
    GTEST_SKIP() << "the expected counts are x86_64's (pause and signalfd exist there)";
#endif
  }
};

TEST_F(Summary, ResultsModeCountsEveryCallAndError) {
  Outcome r = run_sigvisor({"-c", "--results"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  expect_gapless(r);
  uint64_t denied = 0;
  EXPECT_EQ(summary_counts(r, &denied), kExpected) << r.trace;
  EXPECT_EQ(denied, 0u);
  // -c prints only the table, as strace -c: no call, process or delivery line. The JSON
  // events asked for with --json are all still written.
  EXPECT_FALSE(of_kind(r, "syscall").empty());
  EXPECT_TRUE(lines_with(r.trace, "+++").empty()) << r.trace;
  EXPECT_TRUE(lines_with(r.trace, "--- SIG").empty()) << r.trace;
  EXPECT_TRUE(lines_with(r.trace, "rt_sigprocmask(").empty()) << r.trace;

  // The text table: strace -c's columns with `denied` before the name, rows with blank
  // zero counts, then the total.
  EXPECT_EQ(lines_with(r.trace, "% time").size(), 1u) << r.trace;
  EXPECT_EQ(lines_with(r.trace, "% time")[0],
            "% time     seconds  usecs/call     calls    errors    denied syscall");
  EXPECT_EQ(lines_with(r.trace,
                       "------ ----------- ----------- --------- --------- --------- "
                       "------------------")
                .size(),
            2u)
      << r.trace;
  std::smatch m;
  std::string row = lines_with(r.trace, " rt_sigprocmask").at(0);
  EXPECT_TRUE(std::regex_match(
      row,
      std::regex(R"(^ *[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{6} +[0-9]+ +11 +3 {11}rt_sigprocmask$)")))
      << row;
  std::string total = lines_with(r.trace, " total").at(0);
  EXPECT_TRUE(std::regex_match(
      total, std::regex(R"(^100\.00 +[0-9]+\.[0-9]{6} +[0-9]+ +72 +25 {11}total$)")))
      << total;
}

TEST_F(Summary, CountsMatchStraceC) {
  if (run_native({"strace", "-V"}, 10).exit_status != 0) {
    GTEST_SKIP() << "strace is not installed (scripts/deps.sh installs it)";
  }
  std::string file = temp_path("strace-c.txt");
  Outcome s = run_native({"strace", "-c", "-f", "-e", std::string("trace=") + kSignalFamily, "-o",
                          file, example("all_signal_calls")});
  ASSERT_EQ(s.exit_status, 0) << s.err;
  auto reference = strace_counts(read_file(file));
  ASSERT_EQ(reference.count("total"), 1u) << read_file(file);
  EXPECT_EQ(reference["total"], (CallCounts{72, 25}));
  reference.erase("total");
  EXPECT_EQ(reference, kExpected) << read_file(file);

  Outcome r = run_sigvisor({"-c", "--results"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(summary_counts(r), reference);
}

TEST_F(Summary, NotifyModeCountsCallsAndDenialsOnly) {
  if (results_mode()) GTEST_SKIP() << "about the notify path's own output; --results is on";
  SKIP_ON_KERNEL_ENGINE("about the notify path's own output (every result is known here)");
  // Without --results the result of an allowed call is not seen: errors count only what
  // sigvisor refused itself; rt_sigreturn is not intercepted.
  std::string policy = temp_path("deny-stack.json");
  std::ofstream(policy) << R"({"name": "deny-stack", "default": "allow", "rules": [
      {"name": "no-altstack", "match": {"syscall": ["stack"]}, "action": "deny"}]})";
  Outcome r = run_sigvisor({"-c", "-P", policy}, {example("all_signal_calls")});
  // The program notices its six sigaltstack calls failing with EPERM.
  EXPECT_EQ(r.exit_status, 1) << r.err << r.trace;
  EXPECT_EQ(lines_with(r.err, "sigaltstack set: got -1, want 0").size(), 1u) << r.err;
  uint64_t denied = 0;
  auto counts = summary_counts(r, &denied);
  std::map<std::string, CallCounts> want;
  for (const auto& [name, c] : kExpected) {
    if (name != "rt_sigreturn") want[name] = {c.calls, 0};
  }
  want["sigaltstack"] = {6, 6};
  EXPECT_EQ(counts, want) << r.trace;
  EXPECT_EQ(denied, 6u);
  // The table row, not the trace line of a call: the summary comes last.
  std::string row = lines_with(r.trace, " sigaltstack").back();
  EXPECT_TRUE(std::regex_match(row, std::regex(R"(^.* +6 +6 +6 sigaltstack$)"))) << row;

  // The same policy with --results: denials and the kernel's own errors together.
  Outcome both = run_sigvisor({"-c", "--results", "-P", policy}, {example("all_signal_calls")});
  EXPECT_EQ(both.exit_status, 1) << both.err;
  denied = 0;
  want = kExpected;
  want["sigaltstack"] = {6, 6};
  EXPECT_EQ(summary_counts(both, &denied), want) << both.trace;
  EXPECT_EQ(denied, 6u);
}

TEST_F(Summary, CountsCallsOutsideTheTraceSet) {
  // -e trace= selects the events; -c still counts every call (the filter routes them all
  // for it: docs/design-decisions.md, What the filter routes). The JSON output asked for
  // beside the table gets only the selected calls.
  Outcome r = run_sigvisor({"-c", "-e", "trace=kill"}, {example("all_signal_calls")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  std::map<std::string, CallCounts> want = kExpected;
  if (!results_mode()) {  // rt_sigreturn is seen only with --results
    want.erase("rt_sigreturn");
    // Results are seen only with --results, but on the kernel engine, which sees them all.
    if (!kernel_engine_mode()) {
      for (auto& [name, c] : want) c.errors = 0;
    }
  }
  EXPECT_EQ(summary_counts(r), want) << r.trace;
  auto calls = of_kind(r, "syscall");
  EXPECT_EQ(calls.size(), kExpected.at("kill").calls) << r.trace;
  for (const auto& e : calls) EXPECT_EQ(e["syscall"], "kill") << e.dump();
}

}  // namespace
}  // namespace sigvisor::test
