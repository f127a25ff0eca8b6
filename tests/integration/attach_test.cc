// sigvisor -p: attaching to processes that already run (examples/attach_target.c, started
// natively by the test) and detaching from them. What must hold, as under strace -p: the
// calls and deliveries are seen with their callers, every thread and new child is
// followed, a policy applies at syscall entry, and after SIGINT to sigvisor the process
// runs on exactly as before — not stopped, no tick and no signal lost, a pending signal
// still pending, a group stop still in effect.
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "attach_harness.h"
#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// (1) Calls and deliveries of a running process, with their caller and sender; when the
// process exits, sigvisor exits 0 (strace -p: the status is its parent's business).
TEST_F(AttachTest, SeesCallsAndDeliveriesOfARunningProcess) {
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  // A whole tick seen (the attach may come between a tick's kill and its delivery).
  EXPECT_TRUE(sv.has_event([&](const json& e) { return is_call(e, "kill", pid); }));
  EXPECT_TRUE(sv.has_event([&](const json& e) {
    return e.value("event", "") == "signal" && e.value("sig", "") == "SIGUSR1" &&
           e.value("pid", 0) == pid && e["sender"].value("pid", 0) == pid;
  })) << sv.messages();
  t.command("exit");
  ASSERT_TRUE(t.read_until("bye"));
  EXPECT_EQ(sv.wait_exit(), 0) << sv.messages();
  const int st = t.wait_exit();
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
  EXPECT_EQ(sv.messages(), "sigvisor: Process " + std::to_string(pid) + " attached\n");

  int kills = 0;
  bool exited = false;
  for (const json& e : sv.events()) {
    if (is_call(e, "kill", pid)) {
      ++kills;
      EXPECT_EQ(e["tid"], pid);
      EXPECT_EQ(e["comm"], "attach_target");
      EXPECT_EQ(e["args"]["pid"], pid);
      EXPECT_EQ(e["args"]["sig"], "SIGUSR1");
      EXPECT_EQ(e["target"]["scope"], "self");
      EXPECT_EQ(e["action"], "allow");
      EXPECT_EQ(e["retval"], 0) << "attach mode knows every result";
    }
    if (e.value("event", "") == "exit" && e.value("pid", 0) == pid) {
      exited = true;
      EXPECT_EQ(e["status"], json({{"code", 0}}));
    }
  }
  EXPECT_GE(kills, 1);
  EXPECT_TRUE(exited);
  check_ticks(t.output(), true);
}

// (2) SIGINT to sigvisor detaches: the process runs on, a signal pending at the detach is
// still pending (and delivered once unblocked), and its output goes on without a gap.
TEST_F(AttachTest, SigintDetachesAndTheProcessRunsOnAsBefore) {
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  ASSERT_TRUE(sv.has_event([&](const json& e) { return is_call(e, "kill", pid); }))
      << sv.messages();
  // SIGUSR2 is blocked in the target: it stays pending across the detach.
  ASSERT_EQ(kill(pid, SIGUSR2), 0);
  ASSERT_TRUE(eventually([&] { return shared_pending(pid, SIGUSR2); }));
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  // As strace -p: sigvisor dies of the signal it got, once everything is detached.
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT) << sv.messages();
  EXPECT_NE(sv.messages().find("sigvisor: received SIGINT: detached 1 processes"),
            std::string::npos)
      << sv.messages();
  EXPECT_EQ(tracer_of(pid), 0);
  const char state = task_state(pid);
  EXPECT_TRUE(state == 'S' || state == 'R') << "state " << state;
  EXPECT_TRUE(shared_pending(pid, SIGUSR2)) << "the pending SIGUSR2 was lost";
  // It runs on: more ticks, then the pending signal arrives once unblocked.
  const std::string after = "tick " + std::to_string(check_ticks(t.output(), true) + 5) + " ";
  ASSERT_TRUE(t.read_until(after)) << t.output();
  t.command("unblock");
  EXPECT_TRUE(t.read_until("got SIGUSR2")) << t.output();
  t.command("exit");
  ASSERT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), true);
}

// (3) A process stopped (SIGSTOP) before the attach is still stopped after the detach,
// and SIGCONT resumes it.
TEST_F(AttachTest, AGroupStopOutlivesTheDetach) {
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  ASSERT_EQ(kill(pid, SIGSTOP), 0);
  ASSERT_TRUE(eventually([&] { return task_state(pid) == 'T'; }));
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  ASSERT_TRUE(eventually([&] { return tracer_of(pid) == sv.pid(); })) << sv.messages();
  // Seized and interrupted: the stopped task is in a ptrace stop (LISTEN) now.
  ASSERT_TRUE(eventually([&] { return task_state(pid) == 't'; })) << task_state(pid);
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT) << sv.messages();
  EXPECT_EQ(tracer_of(pid), 0);
  EXPECT_EQ(task_state(pid), 'T') << "the job-control stop was lost";
  const std::string before = t.output();
  ASSERT_EQ(kill(pid, SIGCONT), 0);
  const std::string next = "tick " + std::to_string(check_ticks(before, true)) + " ";
  EXPECT_TRUE(t.read_until(next)) << t.output();
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), true);
}

// (4) Every thread of a multi-threaded process is seized, and each one's calls are seen.
TEST_F(AttachTest, EveryThreadIsSeized) {
  NativeTarget t({example("attach_target"), "3", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  ASSERT_TRUE(eventually([&] { return threads_of(pid).size() == 4; }));
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  std::set<int64_t> tids;
  EXPECT_TRUE(sv.has_event([&](const json& e) {
    if (is_call(e, "rt_sigprocmask", pid)) tids.insert(e["tid"].get<int64_t>());
    return tids.size() == 4;
  })) << tids.size()
      << " threads seen";
  for (pid_t tid : threads_of(pid)) EXPECT_EQ(tracer_of(pid, tid), sv.pid()) << tid;
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT);
  EXPECT_NE(sv.messages().find("attached with 4 threads"), std::string::npos) << sv.messages();
  for (pid_t tid : threads_of(pid)) EXPECT_EQ(tracer_of(pid, tid), 0) << tid;
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
}

// (5) A policy applies at syscall entry: the refused kill fails in the program with the
// policy's errno, the event says deny; after the detach the program's kill works again.
TEST_F(AttachTest, APolicyRefusalIsTheProgramsErrno) {
  const std::string policy = temp_path("policy.json");
  std::ofstream(policy) << R"({"name": "no-usr1", "default": "allow", "rules": [
      {"name": "no-self-usr1", "match": {"syscall": ["kill"], "sig": ["SIGUSR1"]},
       "action": "deny", "errno": "EACCES"}]})";
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-P", policy, "-p", std::to_string(pid)});
  EXPECT_TRUE(t.read_until("kill=-1 errno=13")) << t.output();
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT) << sv.messages();
  // Detached: the calls run natively again.
  const std::size_t at_detach = t.output().size();
  bool again = false;
  for (int i = 0; i < 100 && !again; ++i) {
    ASSERT_TRUE(t.read_until("tick " + std::to_string(check_ticks(t.output(), false)) + " "));
    again = t.output().find("kill=0", at_detach) != std::string::npos;
  }
  EXPECT_TRUE(again) << t.output().substr(at_detach);
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), false);
  bool denied = false;
  for (const json& e : sv.events()) {
    if (!is_call(e, "kill", pid) || e["action"] != "deny") continue;
    denied = true;
    EXPECT_EQ(e["rule"], "no-self-usr1");
    EXPECT_EQ(e["errno"], "EACCES");
    EXPECT_EQ(e["retval"], -1);  // as strace: -1 and the errno
  }
  EXPECT_TRUE(denied);
}

// (6) A pid that does not exist: strace's one line, exit 1.
TEST_F(AttachTest, AMissingPidIsOneLineAndStatus1) {
  // pid_max itself is never a pid (pids are below it).
  const std::string pid_max = read_file("/proc/sys/kernel/pid_max");
  const std::string pid = pid_max.substr(0, pid_max.find('\n'));
  Outcome r = run_native({SIGVISOR_BIN, "-p", pid});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(r.err, "sigvisor: attach: ptrace(PTRACE_SEIZE, " + pid + "): No such process\n");
}

// (6) A pid sigvisor may not trace: sigvisor as nobody on a process of root's.
TEST_F(AttachTest, AnUntraceablePidIsOneLineAndStatus1) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root, to run sigvisor as nobody on root's process";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "setpriv (util-linux) not installed";
  Canary root_process;
  Outcome r = run_native({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          SIGVISOR_BIN, "-p", std::to_string(root_process.pid())});
  if (r.exit_status == 127 || r.err.find("Permission denied") != std::string::npos) {
    GTEST_SKIP() << "nobody cannot run the built sigvisor here: " << r.err;
  }
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(r.err.rfind("sigvisor: attach: ptrace(PTRACE_SEIZE, " +
                            std::to_string(root_process.pid()) + "): Operation not permitted",
                        0),
            0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// (7) A child the attached process forks is followed: its spawn, its call, its delivery.
TEST_F(AttachTest, AForkedChildIsFollowed) {
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-p", std::to_string(pid)});
  ASSERT_TRUE(sv.has_event([&](const json& e) { return is_call(e, "kill", pid); }));
  t.command("fork");
  ASSERT_TRUE(t.read_until("forked ")) << t.output();
  pid_t child = 0;
  const std::string& out = t.output();
  ASSERT_EQ(std::sscanf(out.c_str() + out.find("child "), "child %d usr1=1", &child), 1) << out;
  EXPECT_TRUE(sv.has_event([&](const json& e) {
    return e.value("event", "") == "spawn" && e.value("pid", 0) == pid &&
           e["child"].value("pid", 0) == child;
  }));
  EXPECT_TRUE(sv.has_event(
      [&](const json& e) { return is_call(e, "kill", child) && e["target"]["scope"] == "self"; }));
  EXPECT_TRUE(sv.has_event([&](const json& e) {
    return e.value("event", "") == "signal" && e.value("pid", 0) == child &&
           e["sender"].value("pid", 0) == child;
  }));
  EXPECT_TRUE(sv.has_event(
      [&](const json& e) { return e.value("event", "") == "exit" && e.value("pid", 0) == child; }));
  ASSERT_EQ(kill(sv.pid(), SIGINT), 0);
  EXPECT_EQ(sv.wait_exit(), 128 + SIGINT);
  t.command("exit");
  EXPECT_TRUE(t.read_until("bye"));
  check_ticks(t.output(), true);
}

// Ending the run otherwise detaches too: --timeout (exit 124) and a policy abort (exit
// 125: the aborting call fails with the rule's errno, the process runs on).
TEST_F(AttachTest, TimeoutAndAbortDetach) {
  for (const bool abort : {false, true}) {
    SCOPED_TRACE(abort ? "abort" : "timeout");
    const std::string policy = temp_path("policy.json");
    std::ofstream(policy) << R"({"name": "abort-on-usr1", "default": "allow", "rules": [
        {"name": "no-usr1", "match": {"syscall": ["kill"], "sig": ["SIGUSR1"]},
         "action": "abort", "errno": "EACCES"}]})";
    NativeTarget t({example("attach_target"), "0", "10"});
    ASSERT_TRUE(t.read_until("tick 2"));
    const pid_t pid = t.pid();
    AttachedSigvisor sv(
        abort ? std::vector<std::string>{"-P", policy, "-p", std::to_string(pid)}
              : std::vector<std::string>{"--timeout", "0.3", "-p", std::to_string(pid)});
    EXPECT_EQ(sv.wait_exit(), abort ? 125 : 124) << sv.messages();
    if (!abort) {
      EXPECT_NE(sv.messages().find("detached 1 processes"), std::string::npos) << sv.messages();
    }
    EXPECT_EQ(tracer_of(pid), 0);
    const std::string next = "tick " + std::to_string(check_ticks(t.output(), !abort) + 3) + " ";
    EXPECT_TRUE(t.read_until(next)) << t.output();
    t.command("exit");
    EXPECT_TRUE(t.read_until("bye"));
    // The one aborting call failed with EACCES; the rest were native.
    std::size_t refused = 0;
    for (std::size_t at = 0; (at = t.output().find("errno=13", at)) != std::string::npos; ++at) {
      ++refused;
    }
    EXPECT_EQ(refused, abort ? 1u : 0u) << t.output();
    check_ticks(t.output(), false);
  }
}

// A policy `kill` still kills the caller under -p (a policy decision, not the end of the
// run); with the process gone sigvisor exits 0.
TEST_F(AttachTest, APolicyKillStillKillsTheCaller) {
  const std::string policy = temp_path("policy.json");
  std::ofstream(policy) << R"({"name": "kill-on-usr1", "default": "allow", "rules": [
      {"name": "no-usr1", "match": {"syscall": ["kill"], "sig": ["SIGUSR1"]},
       "action": "kill"}]})";
  NativeTarget t({example("attach_target"), "0", "10"});
  ASSERT_TRUE(t.read_until("tick 2"));
  const pid_t pid = t.pid();
  AttachedSigvisor sv({"-P", policy, "-p", std::to_string(pid)});
  EXPECT_EQ(sv.wait_exit(), 0) << sv.messages();
  const int st = t.wait_exit();
  EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) << st;
  bool killed_call = false, died = false;
  for (const json& e : sv.events()) {
    killed_call |= is_call(e, "kill", pid) && e["action"] == "kill";
    died |= e.value("event", "") == "exit" && e.value("pid", 0) == pid &&
            e["status"].value("signal", "") == "SIGKILL";
  }
  EXPECT_TRUE(killed_call);
  EXPECT_TRUE(died);
}

TEST(AttachCli, APidWithAProgramIsAUsageError) {
  Outcome r = run_native({SIGVISOR_BIN, "-p", "1", "--", "/bin/true"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: -p cannot be combined with a program to run\n");
  r = run_native({SIGVISOR_BIN, "-p", "12,x"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: -p 'x': invalid process id\n");
}

}  // namespace
}  // namespace sigvisor::test
