// The call pipeline with fake kernel edges: what is read, confirmed, decided, recorded,
// enforced and answered, and in which order, for each kind of call source.
#include <gtest/gtest.h>

#include <csignal>

#include "case_name.h"
#include "supervise_fakes.h"

namespace sigvisor::test {
namespace {

constexpr const char* kDenyTerm = R"({"name": "t", "default": "allow", "rules": [
  {"name": "no-term", "match": {"sig": ["SIGTERM"]}, "action": "deny", "errno": "EACCES"},
  {"name": "kill-usr1", "match": {"sig": ["SIGUSR1"]}, "action": "kill"},
  {"name": "abort-usr2", "match": {"sig": ["SIGUSR2"]}, "action": "abort"},
  {"name": "no-default", "match": {"syscall": ["rt_sigaction"], "handler": "default"}, "action": "deny"}]})";

PreparedCall call_of(Sys sys, std::initializer_list<uint64_t> regs) {
  PreparedCall c;
  c.ev.call.sys = sys;
  std::size_t i = 0;
  for (uint64_t r : regs) c.ev.call.regs[i++] = r;
  return c;
}

struct Case {
  const char* what;
  Sys sys;
  std::vector<uint64_t> regs;
  pid_t caller;
  std::vector<std::string> port_log;  // what the port saw, in order
  Action action;
  std::string rule;
  std::optional<int64_t> retval;
  Scope scope;
  std::vector<pid_t> killed;  // by the policy's `kill`
  int ended;                  // end_tree() calls (policy `abort`)
};

class Pipeline : public ::testing::TestWithParam<Case> {};

TEST_P(Pipeline, DecidesRecordsEnforcesAndAnswers) {
  const Case& c = GetParam();
  Policy policy = policy_of(kDenyTerm);
  FakeRun run(policy);
  FakePort port(run.sink);
  PreparedCall p = call_of(c.sys, {});
  for (std::size_t i = 0; i < c.regs.size(); ++i) p.ev.call.regs[i] = c.regs[i];
  ASSERT_TRUE(prepare_call(c.caller, p, port, run.sv));
  conclude_call(p, port, run.sv);
  EXPECT_EQ(port.log, c.port_log);
  EXPECT_EQ(port.recorded_at_answer, 1u) << "the event is recorded before the answer";
  EXPECT_EQ(run.tree.killed, c.killed);
  EXPECT_EQ(run.tree.ended, c.ended);
  EXPECT_EQ(run.sv.end_status(), c.ended > 0 ? kAbortExitStatus : 0);
  const auto& events = run.drain();
  ASSERT_EQ(events.size(), 1u);
  const auto& ev = std::get<SyscallEvent>(events[0].body);
  EXPECT_EQ(ev.action, c.action);
  EXPECT_EQ(std::string(ev.rule), c.rule);
  EXPECT_EQ(ev.call.retval, c.retval);
  EXPECT_EQ(ev.caller.pid, c.caller);
  if (has_target(spec(c.sys).family)) {
    ASSERT_TRUE(ev.target);
    EXPECT_EQ(ev.target->scope, c.scope);
  } else {
    EXPECT_FALSE(ev.target);
  }
}

const uint64_t kSup = FakeRun::kSupervisor;
INSTANTIATE_TEST_SUITE_P(
    Calls, Pipeline,
    ::testing::Values(
        // Registers only, a known caller: nothing to confirm, no read of the task.
        Case{"kill child allowed",
             Sys::kill,
             {1001, SIGHUP},
             1000,
             {"allow"},
             Action::allow,
             "",
             std::nullopt,
             Scope::child,
             {},
             0},
        Case{"kill denied by rule with its errno",
             Sys::kill,
             {1001, SIGTERM},
             1000,
             {"refuse 13"},
             Action::deny,
             "no-term",
             -EACCES,
             Scope::child,
             {},
             0},
        Case{"kill to the supervisor refused by the built-in rule",
             Sys::kill,
             {kSup, SIGHUP},
             1001,
             {"refuse 1"},
             Action::deny,
             "protect-supervisor",
             -EPERM,
             Scope::supervisor,
             {},
             0},
        Case{"kill(-1) refused by the built-in rule",
             Sys::kill,
             {static_cast<uint64_t>(-1), SIGHUP},
             1001,
             {"refuse 1"},
             Action::deny,
             "protect-supervisor",
             -EPERM,
             Scope::all,
             {},
             0},
        // `kill` strikes before the answer, after confirming the caller still waits.
        Case{"policy kill: confirmed, caller killed, then refused",
             Sys::kill,
             {1000, SIGUSR1},
             1001,
             {"pending?", "refuse 1"},
             Action::kill,
             "kill-usr1",
             -EPERM,
             Scope::sandbox,
             {1001},
             0},
        Case{"policy abort ends the tree",
             Sys::tgkill,
             {1000, 1000, SIGUSR2},
             1001,
             {"pending?", "refuse 1"},
             Action::abort,
             "abort-usr2",
             -EPERM,
             Scope::sandbox,
             {},
             1},
        // A pointer argument was read: confirmed once before it is trusted.
        Case{"memory read is confirmed",
             Sys::rt_sigprocmask,
             {SIG_BLOCK, 0x1000, 0, 8},
             1000,
             {"pending?", "allow"},
             Action::allow,
             "",
             std::nullopt,
             Scope::outside,
             {},
             0},
        Case{"rt_sigaction SIG_DFL read from memory, denied",
             Sys::rt_sigaction,
             {SIGINT, 0x1000, 0, 8},
             1000,
             {"pending?", "refuse 1"},
             Action::deny,
             "no-default",
             -EPERM,
             Scope::outside,
             {},
             0}),
    CaseName());

TEST(PipelineSources, AVanishedCallIsCountedLostAndNeverRecordedOrAnswered) {
  Policy policy = Policy::trace_all();
  FakeRun run(policy);
  FakePort port(run.sink);
  port.pending = false;
  PreparedCall p = call_of(Sys::rt_sigprocmask, {SIG_BLOCK, 0x1000, 0, 8});
  EXPECT_FALSE(prepare_call(1000, p, port, run.sv));
  EXPECT_EQ(port.log, std::vector<std::string>{"pending?"});
  EXPECT_EQ(run.sv.lost_notifications.load(), 1u);
  EXPECT_TRUE(run.drain().empty());
}

TEST(PipelineSources, AnUnknownCallerIsAskedOfTheKernelOnceConfirmedAndRemembered) {
  Policy policy = Policy::trace_all();
  FakeRun run(policy);
  run.kernel.proc[2002] = TaskInfo{2002, 2001, 1001, make_comm("worker")};
  for (int i = 0; i < 2; ++i) {
    FakePort port(run.sink);
    PreparedCall p = call_of(Sys::kill, {1000, SIGHUP});
    ASSERT_TRUE(prepare_call(2002, p, port, run.sv));
    // The first time the tid was unknown: what /proc says is confirmed before use.
    EXPECT_EQ(port.log, i == 0 ? std::vector<std::string>{"pending?"} : std::vector<std::string>{});
    EXPECT_EQ(p.ev.caller.pid, 2001);
    EXPECT_EQ(comm_view(p.ev.caller.comm), "worker");
  }
  EXPECT_EQ(run.kernel.task_lookups, 1);
}

TEST(PipelineSources, AnFdTargetIsConfirmedAndResolved) {
  Policy policy = Policy::trace_all();
  FakeRun run(policy);
  run.kernel.fd_pid = 1001;
  FakePort port(run.sink);
  PreparedCall p = call_of(Sys::pidfd_send_signal, {7, SIGHUP, 0, 0});
  ASSERT_TRUE(prepare_call(1000, p, port, run.sv));
  EXPECT_EQ(port.log, std::vector<std::string>{"pending?"});
  ASSERT_TRUE(p.ev.target);
  EXPECT_EQ(p.ev.target->pid, 1001);
  EXPECT_EQ(p.ev.target->scope, Scope::child);
}

TEST(PipelineSources, AnInterruptedWaitKeepsItsEintrWhenRefused) {
  Policy policy = policy_of(R"({"name": "w", "default": "allow", "rules": [
    {"name": "no-pause", "match": {"syscall": ["pause"]}, "action": "deny"}]})");
  FakeRun run(policy);
  FakePort port(run.sink);
  PreparedCall p = call_of(Sys::pause, {});
  p.ev.call.retval = -EINTR;
  ASSERT_TRUE(prepare_call(1000, p, port, run.sv));
  conclude_call(p, port, run.sv);
  const auto& events = run.drain();
  ASSERT_EQ(events.size(), 1u);
  const auto& ev = std::get<SyscallEvent>(events[0].body);
  EXPECT_EQ(ev.action, Action::deny);
  EXPECT_EQ(ev.call.retval, -EINTR);
}

TEST(PipelineSources, RtSigreturnIsDecodedNeverPoliced) {
  Policy policy = policy_of(R"({"name": "d", "default": "deny", "rules": []})");
  FakeRun run(policy);
  FakePort port(run.sink);
  PreparedCall p = call_of(Sys::rt_sigreturn, {});
  ASSERT_TRUE(prepare_call(1000, p, port, run.sv));
  EXPECT_EQ(p.decision.action, Action::allow);
  EXPECT_FALSE(p.ev.call.retval);
}

TEST(PipelineSources, UnprintedAllowedCallsAreCountedNotRecorded) {
  Policy policy = Policy::trace_all();
  FakeRun run(policy, std::bitset<kSysCount>());  // -e trace=none
  FakePort port(run.sink);
  PreparedCall p = call_of(Sys::kill, {1001, SIGHUP});
  p.started = std::chrono::steady_clock::now();
  ASSERT_TRUE(prepare_call(1000, p, port, run.sv));
  conclude_call(p, port, run.sv);
  EXPECT_EQ(port.log, std::vector<std::string>{"allow"});
  EXPECT_EQ(run.sv.counters[static_cast<std::size_t>(Sys::kill)].calls.load(), 1u);
  EXPECT_TRUE(run.drain().empty());
}

}  // namespace
}  // namespace sigvisor::test
