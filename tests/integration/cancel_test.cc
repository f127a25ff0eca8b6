// Cancelling a job, as CI systems do: a signal to sigvisor reaches the program, which
// cleans up as it would natively (same output, same status); a later one is passed on
// too; --kill-after ends the tree. --timeout behaves as timeout(1). The protocols of CI
// runners, per process, are in ci_protocol_test.cc.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

// A process started by hand so the test can signal it; stdout and stderr to files.
struct Started {
  pid_t pid = -1;
  std::string out;
  std::string err;
  int wait_status() const {
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
  }
};

Started start(const std::vector<std::string>& argv) {
  Started s;
  s.out = temp_path("out");
  s.err = temp_path("err");
  s.pid = fork();
  if (s.pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out = open(s.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(s.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> a;
    for (const auto& x : argv) a.push_back(const_cast<char*>(x.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(99);
  }
  return s;
}

std::vector<std::string> under_sigvisor(const std::string& events,
                                        const std::vector<std::string>& extra,
                                        const std::vector<std::string>& command) {
  std::vector<std::string> argv = {SIGVISOR_BIN, "-o", "/dev/null", "--json", events};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  const std::vector<std::string> variant = variant_args();
  argv.insert(argv.begin() + 1, variant.begin(), variant.end());
  return argv;
}

bool says_ready(const Started& s) {
  return read_file(s.out).find("ready\n") != std::string::npos;
}

class Cancel : public SigvisorTest,
               public ::testing::WithParamInterface<std::tuple<int, std::string>> {};

TEST_P(Cancel, TheProgramCleansUpAsNatively) {
  const int sig = std::get<0>(GetParam());
  const std::vector<std::string> cmd = {example("cleanup_on_term")};
  Started native = start(cmd);
  ASSERT_TRUE(eventually([&] { return says_ready(native); }));
  ASSERT_EQ(kill(native.pid, sig), 0);
  const int native_status = native.wait_status();

  const std::string events = temp_path("events");
  Started sv = start(under_sigvisor(events, policy_args(std::get<1>(GetParam())), cmd));
  ASSERT_TRUE(eventually([&] { return says_ready(sv); })) << read_file(sv.err);
  ASSERT_EQ(kill(sv.pid, sig), 0);
  const int status = sv.wait_status();

  EXPECT_EQ(read_file(sv.out), read_file(native.out));
  EXPECT_EQ(status, native_status) << read_file(sv.err);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);
  EXPECT_EQ(without_kernel_notes(read_file(sv.err)), "") << "a passed-on signal needs no message";
  // Recorded: the program received it from the supervisor.
  const std::string name = sig == SIGTERM  ? "SIGTERM"
                           : sig == SIGINT ? "SIGINT"
                           : sig == SIGHUP ? "SIGHUP"
                                           : "SIGQUIT";
  int seen = 0;
  for (const auto& e : read_events(events)) {
    if (e.value("event", "") == "signal" && e.value("sig", "") == name && e["sender"].is_object() &&
        e["sender"].value("scope", "") == "supervisor") {
      ++seen;
    }
  }
  EXPECT_EQ(seen, 1) << read_file(events);
}

INSTANTIATE_TEST_SUITE_P(Signals, Cancel,
                         ::testing::Combine(::testing::Values(SIGTERM, SIGINT, SIGHUP, SIGQUIT),
                                            ::testing::ValuesIn(transparency_policies())));

// Escalation is the program's (docs/ci.md): a program that ignored SIGTERM gets the next
// one too, and then SIGINT, which it handles.
TEST_F(SigvisorTest, ALaterSignalIsPassedOnLikeTheFirst) {
  const std::string events = temp_path("events");
  Started sv = start(under_sigvisor(events, {}, {example("cleanup_on_term"), "ignore"}));
  ASSERT_TRUE(eventually([&] { return says_ready(sv); })) << read_file(sv.err);
  auto delivered = [&](const std::string& name) {
    int n = 0;
    for (const auto& e : read_events(events, /*writer_live=*/true)) {
      if (e.value("event", "") == "signal" && e.value("sig", "") == name) ++n;
    }
    return n;
  };
  ASSERT_EQ(kill(sv.pid, SIGTERM), 0);
  ASSERT_TRUE(eventually([&] { return delivered("SIGTERM") == 1; })) << read_file(sv.err);
  ASSERT_EQ(kill(sv.pid, SIGTERM), 0);
  ASSERT_TRUE(eventually([&] { return delivered("SIGTERM") == 2; })) << read_file(sv.err);
  ASSERT_EQ(kill(sv.pid, SIGINT), 0);
  const int status = sv.wait_status();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 5);
  EXPECT_EQ(read_file(sv.out), "ready\ncleanup after signal 2\n");
  EXPECT_EQ(read_file(sv.err), "");
}

TEST_F(SigvisorTest, KillAfterEndsATreeThatIgnoredThePassedOnSignal) {
  const std::string events = temp_path("events");
  Started stubborn =
      start(under_sigvisor(events, {"--kill-after", "1"}, {example("cleanup_on_term"), "ignore"}));
  ASSERT_TRUE(eventually([&] { return says_ready(stubborn); })) << read_file(stubborn.err);
  ASSERT_EQ(kill(stubborn.pid, SIGTERM), 0);  // ignored by the program
  const int st = stubborn.wait_status();
  ASSERT_TRUE(WIFEXITED(st)) << st;
  EXPECT_EQ(WEXITSTATUS(st), 128 + SIGTERM);
  EXPECT_EQ(read_file(stubborn.err),
            "sigvisor: received SIGTERM: killed 1 processes still running 1 s later\n");
}

TEST_F(SigvisorTest, TimeoutSendsTheSignalToEveryProcessLikeTimeout1) {
  // A shell with two sleeps, one of them stopped: every one gets SIGTERM (the stopped one
  // is continued to receive it), and the run exits 124.
  Outcome r = run_sigvisor({"--timeout", "1"},
                           {"/bin/sh", "-c", "sleep 60 & sleep 60 & kill -STOP $!; wait"});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  EXPECT_EQ(r.err, "sigvisor: timeout after 1 s: sent SIGTERM to 3 processes\n");
  // Each dies of it. A sleep may die of SIGHUP instead, as natively: once the shell is
  // gone, its group is orphaned with a stopped member and the kernel sends it SIGHUP.
  std::size_t ended = 0;
  for (const auto& e : of_kind(r, "exit")) {
    const std::string sig = e["status"].value("signal", "");
    if (sig == "SIGTERM" || sig == "SIGHUP") ++ended;
  }
  EXPECT_EQ(ended, 3u) << r.trace;
}

TEST_F(SigvisorTest, TimeoutWithKillAfterEndsWhatIgnoresTheSignal) {
  Outcome r =
      run_sigvisor({"--timeout", "1", "--kill-after", "1"}, {example("cleanup_on_term"), "ignore"});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  EXPECT_EQ(r.err,
            "sigvisor: timeout after 1 s: sent SIGTERM to 1 processes, killed 1 still running 1 "
            "s later\n");
  auto exits = of_kind(r, "exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["status"].value("signal", ""), "SIGKILL");
}

TEST_F(SigvisorTest, TimeoutSignalChoosesTheSignal) {
  Outcome r =
      run_sigvisor({"--timeout", "1", "--timeout-signal", "INT"}, {example("cleanup_on_term")});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  EXPECT_EQ(r.out, "ready\ncleanup after signal 2\n");
  Outcome bad = run_sigvisor({"--timeout", "1", "--timeout-signal", "NOPE"}, {"/bin/true"});
  EXPECT_EQ(bad.exit_status, 2);
  EXPECT_EQ(bad.err, "sigvisor: --timeout-signal NOPE: unknown signal\n");
  Outcome bad2 = run_sigvisor({"--kill-after", "-1"}, {"/bin/true"});
  EXPECT_EQ(bad2.exit_status, 2);
  EXPECT_EQ(bad2.err, "sigvisor: --kill-after -1: expected a positive number of seconds\n");
}

// What the program leaves behind when its first process ends is killed: nothing would
// ever end it, and sigvisor cannot leave it unsupervised (docs/ci.md). The status is the
// program's.
TEST_F(SigvisorTest, WhatTheProgramLeavesBehindIsKilled) {
  Outcome r = run_sigvisor({}, {"/bin/sh", "-c", "sleep 60 & echo $!; exit 3"});
  EXPECT_EQ(r.exit_status, 3) << r.err;
  EXPECT_EQ(r.err, "sigvisor: the program exited: killed 1 processes it left behind\n");
  const pid_t sleeper = static_cast<pid_t>(std::stoi(r.out));
  EXPECT_FALSE(alive(sleeper));
  bool killed = false;
  for (const auto& e : of_kind(r, "exit")) {
    if (e.value("pid", 0) == sleeper) killed = e["status"].value("signal", "") == "SIGKILL";
  }
  EXPECT_TRUE(killed) << r.trace;
}

// While a signal passed on is being acted on, what the program leaves behind has its
// chance, as natively; --kill-after ends what stays, and the status is still the
// program's (here: its death by the signal, which sigvisor re-raises).
TEST_F(SigvisorTest, KillAfterEndsWhatTheProgramLeftBehind) {
  const std::string events = temp_path("events");
  Started sv =
      start(under_sigvisor(events, {"--kill-after", "1"},
                           {"/bin/sh", "-c", "(trap '' TERM; exec sleep 60) & echo ready; wait"}));
  ASSERT_TRUE(eventually([&] { return says_ready(sv); })) << read_file(sv.err);
  ASSERT_EQ(kill(-sv.pid, SIGTERM), 0);  // the job's group: the shell and the sleep
  const int status = sv.wait_status();
  ASSERT_TRUE(WIFSIGNALED(status)) << status << " " << read_file(sv.err);
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_EQ(read_file(sv.err), "sigvisor: the program exited: killed 1 processes it left behind\n");
}

}  // namespace
}  // namespace sigvisor::test
