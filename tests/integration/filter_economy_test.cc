// Filter economy (calls/filter_plan.h, docs/design-decisions.md "What the filter
// routes"): the filter routes only what an output, -c or a policy rule needs, and every
// option still gets every event it asks for. Whether a syscall reached sigvisor at all is
// read from the debug trace (SIGVISOR_DEBUG=1): the filter it planned, and per syscall the
// calls that arrived ("intercepted NAME: N calls"). Each absence is paired with a run in
// which the same calls do arrive, so it cannot hold for want of calls or of the line.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <regex>
#include <string>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// The debug trace for the runs made while it lives.
class DebugTrace {
 public:
  DebugTrace() { setenv("SIGVISOR_DEBUG", "1", 1); }
  ~DebugTrace() { unsetenv("SIGVISOR_DEBUG"); }
  DebugTrace(const DebugTrace&) = delete;
  DebugTrace& operator=(const DebugTrace&) = delete;
};

// How many calls of `syscall` reached sigvisor (0 when no line names it).
uint64_t intercepted(const Outcome& r, const std::string& syscall) {
  const std::regex line("intercepted " + syscall + ": ([0-9]+) calls");
  std::smatch m;
  for (const std::string& l : lines_with(r.err, "intercepted " + syscall + ":")) {
    if (std::regex_search(l, m, line)) return std::stoull(m[1]);
  }
  return 0;
}

// The filter sigvisor planned: "notify ...; trace ...".
std::string planned_filter(const Outcome& r) {
  auto lines = lines_with(r.err, "]: filter: ");
  EXPECT_EQ(lines.size(), 1u) << r.err;
  if (lines.empty()) return "";
  return lines[0].substr(lines[0].find("filter: ") + 8);
}

std::vector<json> with_action(const Outcome& r, const std::string& action) {
  std::vector<json> out;
  for (const auto& e : of_kind(r, "syscall")) {
    if (e["action"] == action) out.push_back(e);
  }
  return out;
}

// A shell that installs a handler (rt_sigaction), signals itself (kill), and probes pid 1
// (a kill that ci-denials refuses; signal 0 harms nothing were the refusal ever to fail).
const std::vector<std::string> kShell = {"/bin/sh", "-c",
                                         "trap : USR1; kill -USR1 $$; kill -0 1; echo rc=$?"};

class FilterEconomy : public SigvisorTest {};

TEST_F(FilterEconomy, DenialsOnlyPolicyLeavesHandlersAndMasksInTheKernel) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  DebugTrace debug;
  Outcome r = run_sigvisor({"-P", "ci-denials"}, kShell);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  expect_gapless(r);
  // The refusal is policed and recorded, in both outputs.
  auto denied = with_action(r, "deny");
  ASSERT_EQ(denied.size(), 1u) << r.trace;
  EXPECT_EQ(denied[0]["syscall"], "kill");
  EXPECT_EQ(denied[0]["target"]["scope"], "init");
  EXPECT_EQ(denied[0]["rule"], "protect-init");
  EXPECT_EQ(lines_with(r.trace, "(DENIED by rule \"protect-init\")").size(), 1u) << r.trace;
  EXPECT_EQ(of_kind(r, "syscall").size(), 1u) << r.trace;
  // The sends reached sigvisor; the handler never left the kernel.
  EXPECT_EQ(intercepted(r, "kill"), 2u) << r.err;
  EXPECT_EQ(intercepted(r, "rt_sigaction"), 0u) << r.err;
  EXPECT_EQ(intercepted(r, "rt_sigprocmask"), 0u) << r.err;
  const std::string filter = planned_filter(r);
  EXPECT_NE(filter.find("kill"), std::string::npos) << filter;
  EXPECT_EQ(filter.find("rt_sigaction"), std::string::npos) << filter;
  EXPECT_EQ(filter.find("rt_sigprocmask"), std::string::npos) << filter;

  // The same shell under the default policy: its rt_sigaction calls do arrive.
  Outcome all = run_sigvisor({}, kShell);
  ASSERT_EQ(all.exit_status, 0) << all.err;
  EXPECT_GT(intercepted(all, "rt_sigaction"), 0u) << all.err;
  EXPECT_EQ(intercepted(all, "rt_sigaction"), of_kind(all, "syscall", "rt_sigaction").size());
}

TEST_F(FilterEconomy, SummaryCountsEveryCallUnderADenialsOnlyPolicy) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  DebugTrace debug;
  Outcome r = run_sigvisor({"-c", "-P", "ci-denials"}, kShell);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  auto summaries = of_kind(r, "summary");
  ASSERT_EQ(summaries.size(), 1u) << r.trace;
  uint64_t counted = 0;
  for (const auto& row : summaries[0]["syscalls"]) {
    if (row["syscall"] == "rt_sigaction") counted = row["calls"].get<uint64_t>();
  }
  EXPECT_GT(counted, 0u) << summaries[0].dump();
  EXPECT_EQ(counted, intercepted(r, "rt_sigaction"));
  // Counted, not recorded: "record": "denied" keeps only the refusal.
  EXPECT_EQ(with_action(r, "deny").size(), 1u) << r.trace;
  EXPECT_TRUE(of_kind(r, "syscall", "rt_sigaction").empty()) << r.trace;
}

TEST_F(FilterEconomy, TraceSetStillRecordsWhatItNames) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  DebugTrace debug;
  Outcome r = run_sigvisor({"-e", "trace=kill"}, kShell);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  expect_gapless(r);
  // Both kills are recorded (the default policy allows the probe of pid 1), nothing else
  // is, and the handler's calls never arrived.
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 2u) << r.trace;
  EXPECT_EQ(kills[0]["args"]["sig"], "SIGUSR1");
  EXPECT_EQ(kills[1]["args"]["pid"], 1);
  EXPECT_EQ(of_kind(r, "syscall").size(), 2u) << r.trace;
  EXPECT_EQ(lines_with(r.trace, "kill(").size(), 2u) << r.trace;
  EXPECT_EQ(of_kind(r, "signal").size(), 1u) << r.trace;  // deliveries are not syscalls
  EXPECT_EQ(intercepted(r, "rt_sigaction"), 0u) << r.err;

  // With the action family printed too, they do arrive and are recorded.
  Outcome both = run_sigvisor({"-e", "trace=kill,action"}, kShell);
  ASSERT_EQ(both.exit_status, 0) << both.err;
  EXPECT_EQ(of_kind(both, "syscall", "kill").size(), 2u) << both.trace;
  EXPECT_GT(of_kind(both, "syscall", "rt_sigaction").size(), 0u) << both.trace;
  EXPECT_EQ(intercepted(both, "rt_sigaction"), of_kind(both, "syscall", "rt_sigaction").size());
}

TEST_F(FilterEconomy, BuiltInProtectionHoldsWithNothingPrinted) {
  // -e trace=none: no call is printed, yet a send to sigvisor is still refused, and the
  // refusal still recorded.
  Outcome r = run_sigvisor({"-e", "trace=none"},
                           {"/bin/sh", "-c", "kill -TERM $PPID; echo rc=$?; kill -0 $$"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  auto calls = of_kind(r, "syscall");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["action"], "deny");
  EXPECT_EQ(calls[0]["rule"], "protect-supervisor");
}

TEST_F(FilterEconomy, BlocksRuleStillSeesMasksNobodyPrints) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  // A rule on what a mask blocks needs rt_sigprocmask: routed (and enforced, and the
  // refusal recorded) under "record": "denied" and -e trace=none.
  DebugTrace debug;
  std::string policy = temp_path("keep-term.json");
  std::ofstream(policy) << R"({"name": "keep-term", "default": "allow", "record": "denied",
      "rules": [{"name": "no-blocking-term", "match": {"blocks": ["SIGTERM"]},
                 "action": "deny"}]})";
  Outcome r = run_sigvisor({"-e", "trace=none", "-P", policy}, {example("mask_juggle")});
  EXPECT_EQ(r.exit_status, 2) << r.err;  // mask_juggle's SIG_BLOCK failed
  EXPECT_EQ(lines_with(r.err, "mask_juggle: SIG_BLOCK: Operation not permitted").size(), 1u)
      << r.err;
  auto denied = with_action(r, "deny");
  ASSERT_EQ(denied.size(), 1u) << r.trace;
  EXPECT_EQ(denied[0]["syscall"], "rt_sigprocmask");
  EXPECT_EQ(denied[0]["rule"], "no-blocking-term");
  EXPECT_EQ(denied[0]["args"]["how"], "SIG_BLOCK");
  EXPECT_GT(intercepted(r, "rt_sigprocmask"), 0u) << r.err;
  EXPECT_EQ(intercepted(r, "rt_sigaction"), 0u) << r.err;
}

TEST_F(FilterEconomy, HandlerLogRuleStillRecordsUnderRecordDenied) {
  std::string policy = temp_path("watch-ignore.json");
  std::ofstream(policy) << R"({"name": "watch-ignore", "default": "allow", "record": "denied",
      "rules": [{"name": "ignored-usr1", "match": {"sig": "USR1", "handler": "ignore"},
                 "action": "log"}]})";
  Outcome r =
      run_sigvisor({"-P", policy}, {"/bin/sh", "-c", "trap '' USR1; kill -USR1 $$; echo ok"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  auto logged = with_action(r, "log");
  ASSERT_FALSE(logged.empty()) << r.trace;
  for (const auto& e : logged) {
    EXPECT_EQ(e["syscall"], "rt_sigaction");
    EXPECT_EQ(e["rule"], "ignored-usr1");
  }
  EXPECT_EQ(of_kind(r, "syscall").size(), logged.size()) << r.trace;
}

TEST_F(FilterEconomy, ResultsForOneSyscallRoutesItThroughPtrace) {
  SKIP_ON_KERNEL_ENGINE(
      "ptrace completes results on the notify engine only; the kernel "
      "engine records every result (KernelEngine tests)");
  DebugTrace debug;
  Outcome r = run_sigvisor({"--results=rt_sigaction"}, kShell);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  const std::string filter = planned_filter(r);
  EXPECT_NE(filter.find("trace rt_sigaction"), std::string::npos) << filter;
  auto actions = of_kind(r, "syscall", "rt_sigaction");
  ASSERT_FALSE(actions.empty()) << r.trace;
  for (const auto& e : actions) EXPECT_FALSE(e["retval"].is_null()) << e.dump();
  EXPECT_EQ(actions.back()["retval"], 0) << actions.back().dump();
  // The others still go through notification: no result.
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 2u) << r.trace;
  EXPECT_TRUE(kills[0]["retval"].is_null()) << kills[0].dump();
}

TEST_F(FilterEconomy, ResultsDoNotRouteWhatNothingRecords) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  // --results says how a routed call is caught, not whether: under a denials-only policy
  // rt_sigaction has nothing to show, so it stays in the kernel even then.
  DebugTrace debug;
  Outcome r = run_sigvisor({"--results=rt_sigaction,kill", "-P", "ci-denials"}, kShell);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  EXPECT_EQ(intercepted(r, "rt_sigaction"), 0u) << r.err;
  EXPECT_EQ(intercepted(r, "kill"), 2u) << r.err;
  auto denied = with_action(r, "deny");
  ASSERT_EQ(denied.size(), 1u) << r.trace;
  EXPECT_EQ(denied[0]["retval"], -1);
  EXPECT_EQ(denied[0]["errno"], "EPERM");
}

// The receiver leaves once no task carries the filter (RECV on an orphaned filter fails
// with ENOENT at once, forever): it took that for "a caller died" and went round until the
// control loop stopped it, thousands of empty receives at every run's end. Counted, not
// timed: a run's empty receives are the callers that died with a call pending, none here.
TEST_F(FilterEconomy, ReceiverDoesNotSpinOnAnOrphanedFilter) {
  SKIP_ON_KERNEL_ENGINE(
      "what reaches sigvisor is the notify engine's filter plan; the kernel engine's is "
      "kernel_plan_test");
  DebugTrace debug;
  for (int i = 0; i < 3; ++i) {
    Outcome r = run_sigvisor({}, kShell);
    ASSERT_EQ(r.exit_status, 0) << r.err;
    ASSERT_GT(intercepted(r, "kill"), 0u) << r.err;  // the receiver was at work
    const auto lines = lines_with(r.err, "notify receiver: ");
    ASSERT_EQ(lines.size(), 1u) << r.err;
    const std::regex count("notify receiver: ([0-9]+) empty receives");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(lines[0], m, count)) << lines[0];
    EXPECT_LE(std::stoull(m[1]), 2u) << lines[0];
  }
}

}  // namespace
}  // namespace sigvisor::test
