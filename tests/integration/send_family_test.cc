// Issue 2's scenarios: every send-family call the example programs make appears once,
// with the right caller, target, signal and scope; deliveries and deaths name senders.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

json first_exec_of(const Outcome& r, const std::string& comm) {
  for (const auto& e : of_kind(r, "exec")) {
    if (e["comm"] == comm) return e;
  }
  return nullptr;
}

class SendFamily : public SigvisorTest {};

TEST_F(SendFamily, KillOfAChildIsRecordedOnceWithCallerTargetAndScope) {
  Outcome r = run_sigvisor({}, {example("kill_child")});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  expect_gapless(r);
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 1u) << r.trace;
  const json& k = kills[0];
  auto spawns = of_kind(r, "spawn");
  ASSERT_EQ(spawns.size(), 1u);
  int parent = spawns[0]["pid"];
  int child = spawns[0]["child"]["pid"];
  EXPECT_EQ(k["pid"], parent);
  EXPECT_EQ(k["tid"], parent);
  EXPECT_EQ(k["comm"], "kill_child");
  EXPECT_EQ(k["args"]["pid"], child);
  EXPECT_EQ(k["args"]["sig"], "SIGTERM");
  EXPECT_EQ(k["target"]["pid"], child);
  EXPECT_EQ(k["target"]["scope"], "child");
  EXPECT_EQ(k["target"]["comm"], "kill_child");
  EXPECT_EQ(k["action"], "allow");
  if (results_mode() || kernel_engine_mode()) {
    EXPECT_EQ(k["retval"], 0);  // decided at ptrace stops, or read by the kernel engine
  } else {
    EXPECT_EQ(k["retval"], nullptr);  // notify mode: the result is not observed
  }

  // The child receives it from its parent, and dies of it.
  bool delivered = false;
  for (const auto& s : of_kind(r, "signal")) {
    if (s["pid"] == child && s["sig"] == "SIGTERM") {
      delivered = true;
      EXPECT_EQ(s["code"], "SI_USER");
      EXPECT_EQ(s["sender"]["pid"], parent);
      EXPECT_EQ(s["sender"]["comm"], "kill_child");
      EXPECT_EQ(s["sender"]["scope"], "sandbox");
    }
  }
  EXPECT_TRUE(delivered) << r.trace;
  bool died = false;
  for (const auto& e : of_kind(r, "exit")) {
    if (e["pid"] == child) {
      died = true;
      EXPECT_EQ(e["status"]["signal"], "SIGTERM");
    }
  }
  EXPECT_TRUE(died);
  // The call precedes its delivery in the stream.
  EXPECT_LT(k["seq"].get<int>(), of_kind(r, "signal")[0]["seq"].get<int>());
}

TEST_F(SendFamily, KillOfAMissingPidIsOutsideAndFailsWithEsrch) {
  Outcome r = run_sigvisor({}, {example("kill_missing")});
  ASSERT_EQ(r.exit_status, 0) << "the program did not get ESRCH: " << r.err << r.trace;
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0]["target"]["scope"], "outside");
  EXPECT_EQ(kills[0]["target"]["exists"], false);
  EXPECT_EQ(kills[0]["target"]["comm"], nullptr);
  EXPECT_EQ(kills[0]["args"]["sig"], "SIGTERM");

  // --results routes the call through ptrace and reports the errno strace would.
  Outcome with = run_sigvisor({"--results"}, {example("kill_missing")});
  ASSERT_EQ(with.exit_status, 0) << with.err;
  auto k2 = of_kind(with, "syscall", "kill");
  ASSERT_EQ(k2.size(), 1u);
  EXPECT_EQ(k2[0]["retval"], -1);
  EXPECT_EQ(k2[0]["errno"], "ESRCH");
  EXPECT_EQ(lines_with(with.trace, "= -1 ESRCH (No such process)").size(), 1u) << with.trace;
}

TEST_F(SendFamily, MultithreadedSenderEveryCallOnceWithItsThread) {
  constexpr int kThreads = 4;
  constexpr int kIters = 50;
  Outcome r =
      run_sigvisor({}, {example("threads_kill"), std::to_string(kThreads), std::to_string(kIters)});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  expect_gapless(r);
  std::set<int> tids;
  std::regex tid_line(R"(tid (\d+))");
  for (std::sregex_iterator it(r.out.begin(), r.out.end(), tid_line), end; it != end; ++it) {
    tids.insert(std::stoi((*it)[1]));
  }
  ASSERT_EQ(tids.size(), static_cast<std::size_t>(kThreads)) << r.out;

  auto tgkills = of_kind(r, "syscall", "tgkill");
  ASSERT_EQ(tgkills.size(), static_cast<std::size_t>(kThreads * kIters));
  std::map<int, int> per_tid;
  for (const auto& e : tgkills) {
    int tid = e["tid"];
    EXPECT_TRUE(tids.count(tid)) << e.dump();
    EXPECT_EQ(e["args"]["tid"], tid);
    EXPECT_EQ(e["args"]["sig"], "SIGUSR1");
    EXPECT_EQ(e["target"]["scope"], "self");
    EXPECT_EQ(e["target"]["tid"], tid);
    ++per_tid[tid];
  }
  for (int tid : tids) EXPECT_EQ(per_tid[tid], kIters) << "tid " << tid;

  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), static_cast<std::size_t>(kThreads * kIters));
  for (const auto& e : kills) {
    EXPECT_EQ(e["args"]["sig"], 0);  // signal 0 has no name: a number
    EXPECT_EQ(e["target"]["scope"], "self");
    EXPECT_NE(e["tid"], e["pid"]);  // sent by the worker threads, not the main thread
  }
  int usr1 = 0;
  for (const auto& s : of_kind(r, "signal")) {
    if (s["sig"] == "SIGUSR1") {
      ++usr1;
      EXPECT_EQ(s["code"], "SI_TKILL");
      EXPECT_EQ(s["sender"]["scope"], "self");
    }
  }
  EXPECT_EQ(usr1, kThreads * kIters);
}

// pidfd_send_signal also takes a /proc/PID directory as its pidfd (CPython's test_signal
// does): it names that process, so ci-isolation lets a program signal itself through it.
TEST_F(SendFamily, AProcDirectoryIsAPidfdForItsProcess) {
  const std::string script =
      "import os, signal\n"
      "signal.signal(signal.SIGINT, lambda *a: print('got SIGINT', flush=True))\n"
      "fd = os.open('/proc/self', os.O_DIRECTORY)\n"
      "signal.pidfd_send_signal(fd, signal.SIGINT)\n"
      "print('sent', flush=True)\n";
  Outcome native = run_native({"python3", "-c", script});
  ASSERT_EQ(native.out, "got SIGINT\nsent\n") << native.err;
  for (const char* policy : {"trace", "ci-isolation"}) {
    Outcome r = run_sigvisor({"-P", policy}, {"python3", "-c", script});
    EXPECT_EQ(r.exit_status, 0) << policy << ": " << r.err;
    EXPECT_EQ(r.out, native.out) << policy;
    auto calls = of_kind(r, "syscall", "pidfd_send_signal");
    ASSERT_EQ(calls.size(), 1u) << policy;
    EXPECT_EQ(calls[0]["target"]["scope"], "self") << policy;
    EXPECT_EQ(calls[0]["action"], "allow") << policy;
  }
}

TEST_F(SendFamily, ForkExecChainFollowsEveryProcess) {
  Outcome r = run_sigvisor({}, {example("fork_exec_chain"), "3"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  expect_gapless(r);
  EXPECT_EQ(of_kind(r, "exec").size(), 4u);
  auto spawns = of_kind(r, "spawn");
  ASSERT_EQ(spawns.size(), 3u);
  for (const auto& s : spawns) {
    EXPECT_EQ(s["kind"], "fork");
    EXPECT_EQ(s["thread"], false);
  }
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 2u) << r.trace;
  // The deepest spawn: its child forked nobody. Not necessarily the last spawn event: the
  // ptrace loop may see a child's fork before the stop of its parent's fork.
  int leaf = 0;
  int leaf_parent = 0;
  for (const auto& s : spawns) {
    bool forked = false;
    for (const auto& other : spawns) forked |= other["pid"] == s["child"]["pid"];
    if (!forked) {
      leaf = s["child"]["pid"];
      leaf_parent = s["pid"];
    }
  }
  EXPECT_EQ(kills[0]["pid"], leaf);
  EXPECT_EQ(kills[0]["target"]["pid"], leaf_parent);
  EXPECT_EQ(kills[0]["target"]["scope"], "sandbox");  // its parent: inside, not its child
  EXPECT_EQ(kills[0]["target"]["comm"], "fork_exec_chain");
  EXPECT_EQ(kills[1]["target"]["pid"], leaf);
  EXPECT_EQ(kills[1]["target"]["scope"], "self");
  EXPECT_EQ(of_kind(r, "exit").size(), 4u);
}

TEST_F(SendFamily, KnowTheSenderOfASigkill) {
  Outcome r = run_sigvisor({}, {example("sender")});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  expect_gapless(r);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(receiver (\d+))"))) << r.out;
  int receiver = std::stoi(m[1]);
  json sender_exec = first_exec_of(r, "sender");
  ASSERT_FALSE(sender_exec.is_null());
  int sender = sender_exec["pid"];

  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0]["comm"], "sender");
  EXPECT_EQ(kills[0]["args"]["sig"], "SIGKILL");
  EXPECT_EQ(kills[0]["target"]["pid"], receiver);
  EXPECT_EQ(kills[0]["target"]["comm"], "receiver");
  EXPECT_EQ(kills[0]["target"]["scope"], "child");

  bool named = false;
  for (const auto& e : of_kind(r, "exit")) {
    if (e["pid"] != receiver) continue;
    EXPECT_EQ(e["status"]["signal"], "SIGKILL");
    ASSERT_FALSE(e["killer"].is_null()) << e.dump();
    EXPECT_EQ(e["killer"]["pid"], sender);
    EXPECT_EQ(e["killer"]["comm"], "sender");
    named = true;
  }
  EXPECT_TRUE(named);
  std::string expected = "SIGKILL: sender(" + std::to_string(sender) + ") -> receiver(" +
                         std::to_string(receiver) + ")";
  EXPECT_EQ(lines_with(r.trace, expected).size(), 2u) << r.trace;  // the call and the death
}

TEST_F(SendFamily, ShellKillingItsBackgroundJob) {
  Outcome r = run_sigvisor({}, {"/bin/sh", "-c", "sleep 30 & kill -TERM $!; wait"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_GE(kills.size(), 1u) << r.trace;
  bool found = false;
  for (const auto& k : kills) {
    if (k["args"]["sig"] == "SIGTERM" && k["target"]["scope"] == "child") {
      found = true;
      EXPECT_EQ(k["comm"], "sh");
      EXPECT_TRUE(k["target"]["comm"] == "sleep" || k["target"]["comm"] == "sh") << k.dump();
    }
  }
  EXPECT_TRUE(found) << r.trace;
}

TEST_F(SendFamily, PidfdSendSignalResolvesTheChild) {
  Outcome r = run_sigvisor({}, {example("pidfd_sender")});
  if (r.exit_status == 3) GTEST_SKIP() << "kernel lacks pidfd_open";
  ASSERT_EQ(r.exit_status, 0) << r.err;
  auto opens = of_kind(r, "syscall", "pidfd_open");
  auto sends = of_kind(r, "syscall", "pidfd_send_signal");
  ASSERT_EQ(opens.size(), 1u);
  ASSERT_EQ(sends.size(), 1u);
  int child = of_kind(r, "spawn")[0]["child"]["pid"];
  EXPECT_EQ(sends[0]["target"]["pid"], child);
  EXPECT_EQ(sends[0]["target"]["scope"], "child");
  EXPECT_EQ(sends[0]["args"]["sig"], "SIGTERM");
}

}  // namespace
}  // namespace sigvisor::test
