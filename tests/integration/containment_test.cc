// Containment: --timeout and --kill-after end the whole tree (stopped processes
// included) with a one-line reason and a distinct status; the target cannot signal the
// supervisor whatever the policy; if sigvisor itself is SIGKILLed nothing it supervised
// keeps running (PTRACE_O_EXITKILL, and the listener's close fails pending calls).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "harness.h"

namespace sigvisor::test {
namespace {

class Containment : public SigvisorTest {};

// Thread-group ids the tree ever had: the root (first exec) and every non-thread spawn.
std::set<pid_t> tree_pids(const std::vector<nlohmann::json>& events) {
  std::set<pid_t> out;
  for (const auto& e : events) {
    if (e.value("event", "") == "exec" && out.empty()) out.insert(e["pid"].get<pid_t>());
    if (e.value("event", "") == "spawn" && !e.value("thread", false)) {
      out.insert(e["child"]["pid"].get<pid_t>());
    }
  }
  return out;
}

// sigvisor started by hand (so the test can signal it), stderr to a file.
struct Running {
  pid_t pid = -1;
  std::string dir;
  int wait() {
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
};

// A fresh directory for one run's files.
std::string fresh_dir() {
  std::string p = temp_path("x");
  return p.substr(0, p.rfind('/'));
}

Running start(const std::string& dir, const std::vector<std::string>& args) {
  Running r;
  r.dir = dir;
  std::vector<std::string> argv = {SIGVISOR_BIN, "-o", r.dir + "/trace", "--json",
                                   r.dir + "/events"};
  argv.insert(argv.end(), args.begin(), args.end());
  r.pid = fork();
  if (r.pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int err = open((r.dir + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(err, 1);
    dup2(err, 2);
    std::vector<char*> a;
    for (auto& s : argv) a.push_back(s.data());
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(99);
  }
  return r;
}

// A tree of three processes (sh and two sleeps, the second stopped) that writes the pids
// to DIR/pids and then "ready".
// With `ignoring`, every process ignores SIGTERM, SIGINT and SIGHUP (only SIGKILL ends it).
std::vector<std::string> three_process_tree(const std::string& dir, bool ignoring = false) {
  std::string f = dir + "/pids";
  return {"--", "/bin/sh", "-c",
          std::string(ignoring ? "trap '' TERM INT HUP; " : "") + "sleep 60 & echo $! >> " + f +
              "; sleep 60 & echo $! >> " + f + "; kill -STOP $!; echo $$ >> " + f +
              "; echo ready >> " + f + "; wait"};
}

std::vector<pid_t> ready_pids(const std::string& dir) {
  std::vector<pid_t> pids;
  std::istringstream in(read_file(dir + "/pids"));
  std::string line;
  while (std::getline(in, line)) {
    if (line == "ready") return pids;
    pids.push_back(static_cast<pid_t>(std::stoi(line)));
  }
  return {};
}

TEST_F(Containment, TimeoutKillsTheWholeTreeAndExits124) {
  Outcome r = run_sigvisor({"--timeout", "2", "--timeout-signal", "KILL"},
                           {"/bin/sh", "-c", "sleep 60 & sleep 60 & kill -STOP $!; wait"});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  auto pids = tree_pids(r.events);
  ASSERT_EQ(pids.size(), 3u) << r.trace;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      r.err, m, std::regex("sigvisor: timeout after 2 s: killed ([0-9]+) processes\n")))
      << r.err;
  EXPECT_EQ(std::stoul(m[1]), pids.size()) << r.err;
  // Each of them died of SIGKILL (the stopped sleep too), and none outlives sigvisor.
  std::size_t killed = 0;
  for (const auto& e : of_kind(r, "exit")) {
    if (e["status"].value("signal", "") == "SIGKILL") ++killed;
  }
  EXPECT_EQ(killed, pids.size()) << r.trace;
  for (pid_t p : pids) EXPECT_FALSE(alive(p)) << p;
  expect_gapless(r);
}

TEST_F(Containment, TimeoutUsage) {
  Outcome r = run_sigvisor({"--timeout", "0"}, {"/bin/true"});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: --timeout 0: expected a positive number of seconds\n");
}

TEST_F(Containment, TimeoutNotReachedKeepsTheProgramsStatus) {
  Outcome r = run_sigvisor({"--timeout", "50"}, {"/bin/sh", "-c", "exit 7"});
  EXPECT_EQ(r.exit_status, 7);
  EXPECT_EQ(r.err.find("timeout"), std::string::npos) << r.err;
}

class FatalSignal : public Containment, public ::testing::WithParamInterface<int> {};

// How many deliveries of `name` the events file holds (while sigvisor may still write).
std::size_t deliveries(const std::string& events, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : read_events(events, /*writer_live=*/true)) {
    if (e.value("event", "") == "signal" && e.value("sig", "") == name) ++n;
  }
  return n;
}

// Escalation is the program's (docs/ci.md): a later signal is passed on like the first,
// and sigvisor ends nothing by itself.
TEST_P(FatalSignal, ALaterSignalIsPassedOnLikeTheFirst) {
  const int sig = GetParam();
  const std::string dir = fresh_dir();
  Running s = start(dir, three_process_tree(dir, /*ignoring=*/true));
  ASSERT_TRUE(eventually([&] { return !ready_pids(s.dir).empty(); }))
      << read_file(s.dir + "/stderr");
  auto pids = ready_pids(s.dir);
  ASSERT_EQ(pids.size(), 3u);
  const std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
  // To sigvisor's pid: passed on to the program's first process (the shell, which
  // ignores it: its delivery is recorded).
  ASSERT_EQ(kill(s.pid, sig), 0);
  ASSERT_TRUE(eventually([&] { return deliveries(s.dir + "/events", name) == 1; }))
      << read_file(s.dir + "/stderr");
  ASSERT_EQ(kill(s.pid, sig), 0);
  ASSERT_TRUE(eventually([&] { return deliveries(s.dir + "/events", name) == 2; }))
      << read_file(s.dir + "/stderr");
  for (pid_t p : pids) EXPECT_TRUE(alive(p)) << p;
  EXPECT_TRUE(alive(s.pid));
  // Only a SIGKILL to sigvisor (or --kill-after) ends such a tree now.
  ASSERT_EQ(kill(s.pid, SIGKILL), 0);
  EXPECT_EQ(s.wait(), 128 + SIGKILL);
  for (pid_t p : pids) EXPECT_TRUE(eventually([&] { return !alive(p); })) << p;
}

TEST_P(FatalSignal, KillAfterEndsTheTreeFlushesLogsAndExits128PlusN) {
  const int sig = GetParam();
  const std::string dir = fresh_dir();
  std::vector<std::string> args = {"--kill-after", "1"};
  for (auto& a : three_process_tree(dir, /*ignoring=*/true)) args.push_back(a);
  Running s = start(dir, args);
  ASSERT_TRUE(eventually([&] { return !ready_pids(s.dir).empty(); }))
      << read_file(s.dir + "/stderr");
  auto pids = ready_pids(s.dir);
  ASSERT_EQ(pids.size(), 3u);
  const std::string name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
  ASSERT_EQ(kill(s.pid, sig), 0);
  EXPECT_EQ(s.wait(), 128 + sig);
  std::string err = read_file(s.dir + "/stderr");
  EXPECT_NE(
      err.find("sigvisor: received " + name + ": killed 3 processes still running 1 s later\n"),
      std::string::npos)
      << err;
  for (pid_t p : pids) EXPECT_FALSE(alive(p)) << p;
  // The logs were flushed: the JSON file ends with the three exits, gapless.
  auto events = read_events(s.dir + "/events");
  std::size_t exits = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].value("seq", -1), static_cast<int64_t>(i));
    if (events[i].value("event", "") == "exit") ++exits;
  }
  EXPECT_EQ(exits, 3u) << read_file(s.dir + "/trace");
}

INSTANTIATE_TEST_SUITE_P(Signals, FatalSignal, ::testing::Values(SIGTERM, SIGINT, SIGHUP));

TEST_F(Containment, SigkilledSupervisorLeavesNothingRunning) {
  const std::string dir = fresh_dir();
  Running s = start(dir, three_process_tree(dir));
  ASSERT_TRUE(eventually([&] { return !ready_pids(s.dir).empty(); }))
      << read_file(s.dir + "/stderr");
  auto pids = ready_pids(s.dir);
  ASSERT_EQ(pids.size(), 3u);
  for (pid_t p : pids) ASSERT_TRUE(alive(p)) << p;
  ASSERT_EQ(kill(s.pid, SIGKILL), 0);
  EXPECT_EQ(s.wait(), 128 + SIGKILL);
  // PTRACE_O_EXITKILL: every tracee gets SIGKILL when its tracer dies. Bounded liveness
  // wait for the kernel to finish; failing it means a tracee kept running unsupervised.
  for (pid_t p : pids) {
    EXPECT_TRUE(eventually([&] { return !alive(p); })) << "pid " << p << " survived sigvisor";
  }
}

// The built-in rule, under the permissive default policy: the target cannot signal sigvisor
// (its parent), sigvisor's process group, or everyone.
TEST_F(Containment, TargetCannotSignalTheSupervisorUnderThePermissivePolicy) {
  struct Case {
    std::vector<std::string> command;
    std::string scope;
  };
  const std::string kill_pid = example("kill_pid");
  const Case cases[] = {
      {{kill_pid, "ppid", "15"}, "supervisor"},
      {{"/bin/sh", "-c", "exec " + kill_pid + " -$PPID 15"}, "supervisor"},
  };
  for (const Case& c : cases) {
    Outcome r = run_sigvisor({}, c.command);
    EXPECT_EQ(r.exit_status, 1) << c.command.back() << r.err;  // sigvisor lived: the program's 1
    EXPECT_NE(r.out.find("= -1 EPERM"), std::string::npos) << r.out;
    auto calls = of_kind(r, "syscall", "kill");
    ASSERT_EQ(calls.size(), 1u) << r.trace;
    EXPECT_EQ(calls[0]["target"]["scope"], c.scope);
    EXPECT_EQ(calls[0]["action"], "deny");
    EXPECT_EQ(calls[0]["rule"], "protect-supervisor");
    EXPECT_EQ(calls[0]["errno"], "EPERM");
  }
}

// kill(-1, ...) under the permissive policy. SIGURG, whose default action is to ignore,
// so that a broken rule cannot hurt the machine; this test process is the canary: it
// blocks SIGURG and would find it pending.
TEST_F(Containment, BroadcastIsRefusedUnderThePermissivePolicy) {
  sigset_t urg, old;
  sigemptyset(&urg);
  sigaddset(&urg, SIGURG);
  sigprocmask(SIG_BLOCK, &urg, &old);
  timespec zero{};
  while (sigtimedwait(&urg, nullptr, &zero) == SIGURG) {
  }
  Outcome r = run_sigvisor({}, {example("kill_pid"), "-1", std::to_string(SIGURG)});
  sigset_t pending;
  sigpending(&pending);
  bool got = sigismember(&pending, SIGURG) == 1;
  while (sigtimedwait(&urg, nullptr, &zero) == SIGURG) {
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_FALSE(got) << "kill(-1) reached a process outside the sandbox";
  EXPECT_EQ(r.exit_status, 1) << r.err;
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "all");
  EXPECT_EQ(calls[0]["action"], "deny");
  EXPECT_EQ(calls[0]["rule"], "protect-supervisor");
  EXPECT_EQ(calls[0]["errno"], "EPERM");
}

}  // namespace
}  // namespace sigvisor::test
