// Issue 13, point 4: the terminal routes. sigvisor runs as the session leader of a fresh
// pseudo-terminal (its controlling terminal, in raw mode), as in a user's shell; an outside
// process group of the same session stands for the shell's other jobs. Under ci-isolation
// and untrusted, with and without Landlock: TIOCSTI never reaches the terminal's input,
// the outside group never becomes the foreground, TIOCSCTTY does not take the terminal
// from sigvisor's session, TIOCSETD does not change the line discipline; each attempt is
// an event with the refusal. Under trace the same runs show each route is real. Under
// untrusted the program also runs on a pseudo-terminal of its own that sigvisor relays
// (pty_relay_test.cc): the same refusals are then recorded attempts on its own terminal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "escape_setup.h"
#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

constexpr const char* kGroupArg = "{outside-group}";  // replaced by the outside group's id

struct TtyRun {
  Outcome r;
  pid_t outside_group = -1;  // a `sleep` in its own group, in sigvisor's session
  int input_queued = -1;     // bytes waiting in the terminal's input afterwards
  int ldisc = -1;            // the terminal's line discipline afterwards
};

// Every event line goes to the log that ctest validates against docs/events.schema.json.
void log_events(const std::string& path) {
  const char* log = std::getenv("SIGVISOR_EVENTS_LOG");
  const std::string lines = read_file(path);
  if (log == nullptr || *log == '\0' || lines.empty()) return;
  int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  EXPECT_EQ(write(fd, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
  close(fd);
}

// sigvisor ARGS -- COMMAND with the terminal on stdin (stdout and stderr to files).
TtyRun run_on_tty(std::vector<std::string> args, std::vector<std::string> command) {
  TtyRun t;
  int master = -1, slave = -1;
  if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
    ADD_FAILURE() << "openpty failed";
    return t;
  }
  termios raw{};
  tcgetattr(slave, &raw);
  cfmakeraw(&raw);  // no echo, no line editing: every injected byte counts in TIOCINQ
  tcsetattr(slave, TCSANOW, &raw);
  const std::string dir = temp_path("tty");
  const std::string out = dir + ".out", err = dir + ".err", trace = dir + ".trace",
                    events = dir + ".events";
  int report[2];
  if (pipe(report) != 0) return t;
  pid_t leader = fork();
  if (leader == 0) {
    // The session leader: the terminal becomes its controlling terminal, its group the
    // foreground, as a login shell's would be. It then becomes sigvisor.
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) _exit(97);
    // The outside group: a grandchild, so that it is not sigvisor's child (sigvisor waits
    // for its children), in its own group of this session.
    int inner[2];
    if (pipe(inner) != 0) _exit(98);
    pid_t middle = fork();
    if (middle == 0) {
      pid_t group = fork();
      if (group == 0) {
        setpgid(0, 0);
        for (int fd = 0; fd < 64; ++fd) close(fd);
        execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
        _exit(99);
      }
      setpgid(group, group);
      _exit(write(inner[1], &group, sizeof group) == sizeof group ? 0 : 98);
    }
    pid_t group = -1;
    if (read(inner[0], &group, sizeof group) != sizeof group) _exit(98);
    waitpid(middle, nullptr, 0);
    if (write(report[1], &group, sizeof group) != sizeof group) _exit(98);
    std::vector<std::string> argv = {SIGVISOR_BIN, "-o", trace, "--json", events};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--");
    for (auto& a : command) argv.push_back(a == kGroupArg ? std::to_string(group) : a);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(slave, 0);
    dup2(o, 1);
    dup2(e, 2);
    for (int fd = 3; fd < 64; ++fd) close(fd);
    execv(cargv[0], cargv.data());
    _exit(99);
  }
  close(report[1]);
  if (read(report[0], &t.outside_group, sizeof t.outside_group) != sizeof t.outside_group) {
    t.outside_group = -1;
  }
  close(report[0]);
  int status = 0;
  if (!eventually([&] { return waitpid(leader, &status, WNOHANG) == leader; }, 60)) {
    kill(leader, SIGKILL);
    waitpid(leader, &status, 0);
    ADD_FAILURE() << "sigvisor on the terminal did not end";
  }
  t.r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  t.r.out = read_file(out);
  t.r.err = read_file(err);
  t.r.trace = read_file(trace);
  t.r.events = read_events(events);
  log_events(events);
  ioctl(slave, TIOCINQ, &t.input_queued);
  ioctl(slave, TIOCGETD, &t.ldisc);
  close(slave);
  close(master);
  return t;
}

class TerminalRoutes : public SigvisorTest, public ::testing::WithParamInterface<Setup> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    int m = -1, s = -1;
    if (openpty(&m, &s, nullptr, nullptr, nullptr) != 0) GTEST_SKIP() << "no pseudo-terminals";
    close(m);
    close(s);
  }
  void TearDown() override {
    if (outside_group_ > 0) kill(-outside_group_, SIGKILL);  // init reaps it
  }
  bool untrusted() const { return std::string(GetParam().policy) == "untrusted"; }
  TtyRun attempt(const std::vector<std::string>& command) {
    std::vector<std::string> args = {"-P", GetParam().policy};
    if (!GetParam().landlock) args.push_back("--no-landlock");
    // untrusted runs programs as another user when sigvisor is root (require_user).
    if (untrusted() && geteuid() == 0) {
      args.push_back("--user");
      args.push_back(kUntrustedTestUser);
    }
    TtyRun t = run_on_tty(args, command);
    outside_group_ = t.outside_group;
    expect_gapless(t.r);
    EXPECT_TRUE(outside_group_ > 0 && alive(outside_group_)) << "the outside group died";
    return t;
  }
  // The one ioctl event with `request`, refused by `rule` with EPERM.
  void expect_refused(const TtyRun& t, const std::string& request, const std::string& rule,
                      const std::string& action = "deny") {
    std::vector<json> calls;
    for (const auto& e : of_kind(t.r, "syscall", "ioctl")) {
      if (e["args"]["request"] == request) calls.push_back(e);
    }
    ASSERT_EQ(calls.size(), 1u) << t.r.trace;
    EXPECT_EQ(calls[0]["action"], action);
    EXPECT_EQ(calls[0]["rule"], rule);
    EXPECT_EQ(calls[0]["errno"], "EPERM");
    EXPECT_EQ(lines_with(t.r.trace, "ioctl(0, " + request + ", ").size(), 1u) << t.r.trace;
  }

  // The launched program's process group: its own pid (sigvisor makes it a group leader).
  static int program_group(const TtyRun& t) {
    auto execs = of_kind(t.r, "exec");
    return execs.empty() ? -1 : execs[0]["pid"].get<int>();
  }

  pid_t outside_group_ = -1;
};

TEST_P(TerminalRoutes, InjectedKeystrokesNeverReachTheTerminal) {
  TtyRun t = attempt({example("tty_inject"), "kill -TERM 1\n"});
  EXPECT_EQ(t.input_queued, 0) << "injected bytes wait in the terminal's input";
  EXPECT_EQ(t.r.exit_status, 1) << t.r.out << t.r.err;
  EXPECT_EQ(t.r.out, "TIOCSTI = EPERM\n");
  expect_refused(t, "TIOCSTI", "no-terminal-tricks");
  auto calls = of_kind(t.r, "syscall", "ioctl");
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls[0]["args"]["arg"], "k");
  EXPECT_EQ(calls[0]["racy"], false);
  EXPECT_NE(t.r.trace.find("ioctl(0, TIOCSTI, \"k\")"), std::string::npos) << t.r.trace;
}

TEST_P(TerminalRoutes, TheTerminalStaysInItsSession) {
  TtyRun t = attempt({example("tty_steal")});
  EXPECT_NE(t.r.out.find("TIOCSCTTY = EPERM\n"), std::string::npos) << t.r.out;
  EXPECT_NE(t.r.out.find("terminal session: ours\n"), std::string::npos) << t.r.out;
  expect_refused(t, "TIOCSCTTY", "no-terminal-tricks");
}

TEST_P(TerminalRoutes, TheLineDisciplineStays) {
  TtyRun t = attempt({example("tty_ldisc"), "27"});  // N_NULL
  EXPECT_EQ(t.ldisc, 0) << "the line discipline changed";
  EXPECT_EQ(t.r.out, "TIOCSETD = EPERM\nldisc=0\n");
  expect_refused(t, "TIOCSETD", "no-terminal-tricks");
}

TEST_P(TerminalRoutes, AnOutsideGroupNeverBecomesTheForeground) {
  TtyRun t = attempt({example("tty_foreground"), kGroupArg});
  EXPECT_EQ(t.r.out.find("foreground=" + std::to_string(t.outside_group)), std::string::npos)
      << t.r.out;
  if (untrusted()) {
    EXPECT_EQ(t.r.exit_status, 125) << t.r.err;  // aborted at the attempt
    expect_refused(t, "TIOCSPGRP", "escape-attempt", "abort");
  } else {
    EXPECT_EQ(t.r.out, "TIOCSPGRP = EPERM\nforeground=" + std::to_string(program_group(t)) + "\n");
    expect_refused(t, "TIOCSPGRP", "stay-inside");
  }
  auto calls = of_kind(t.r, "syscall", "ioctl");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["args"]["arg"], t.outside_group);
  EXPECT_EQ(calls[0]["target"]["pid"], -t.outside_group);  // a group, as kill(-pgid) names it
  EXPECT_EQ(calls[0]["target"]["scope"], "outside");
  EXPECT_EQ(calls[0]["racy"], true);  // the group is read from memory
}

// Job control inside the sandbox stays possible: the program gives the terminal to its
// own process group (a group of the sandbox), as a shell does for its jobs.
TEST_P(TerminalRoutes, TheProgramMayTakeTheTerminalForItsOwnGroup) {
  TtyRun t = attempt({example("tty_foreground"), "own"});
  EXPECT_EQ(t.r.exit_status, 0) << t.r.out << t.r.err;
  EXPECT_EQ(t.r.out, "TIOCSPGRP = 0\nforeground=" + std::to_string(program_group(t)) + "\n");
  auto calls = of_kind(t.r, "syscall", "ioctl");
  if (!records_allowed(GetParam())) {
    EXPECT_TRUE(calls.empty()) << t.r.trace;  // allowed: not recorded
    return;
  }
  ASSERT_EQ(calls.size(), 1u) << t.r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "group");
  EXPECT_EQ(calls[0]["action"], "allow");
  EXPECT_EQ(calls[0]["rule"], untrusted() ? json("terminal-to-the-sandbox") : json(nullptr));
}

INSTANTIATE_TEST_SUITE_P(Policies, TerminalRoutes, kIsolationSetups, setup_name);

// The controls: without a policy refusing them, the same routes work on this terminal.
class TerminalControl : public SigvisorTest {};

TEST_F(TerminalControl, UnderTraceEachRouteIsReal) {
  int m = -1, s = -1;
  if (openpty(&m, &s, nullptr, nullptr, nullptr) != 0) GTEST_SKIP() << "no pseudo-terminals";
  close(m);
  close(s);
  TtyRun inject = run_on_tty({}, {example("tty_inject"), "xyz"});
  kill(-inject.outside_group, SIGKILL);
  if (inject.r.out == "TIOCSTI = EIO\n") {
    GTEST_SKIP() << "TIOCSTI is disabled on this kernel (dev.tty.legacy_tiocsti = 0)";
  }
  EXPECT_EQ(inject.r.out, "TIOCSTI = 0\n") << inject.r.err;
  EXPECT_EQ(inject.input_queued, 3);
  auto calls = of_kind(inject.r, "syscall", "ioctl");
  ASSERT_EQ(calls.size(), 3u) << inject.r.trace;
  EXPECT_EQ(calls[0]["action"], "allow");
  EXPECT_EQ(calls[0]["target"]["scope"], "self");

  TtyRun fg = run_on_tty({}, {example("tty_foreground"), kGroupArg});
  kill(-fg.outside_group, SIGKILL);
  EXPECT_NE(fg.r.out.find("foreground=" + std::to_string(fg.outside_group)), std::string::npos)
      << fg.r.out << fg.r.err;
  auto pgrp = of_kind(fg.r, "syscall", "ioctl");
  ASSERT_EQ(pgrp.size(), 1u) << fg.r.trace;
  EXPECT_EQ(pgrp[0]["target"]["scope"], "outside");
  EXPECT_EQ(pgrp[0]["action"], "allow");

  TtyRun steal = run_on_tty({}, {example("tty_steal")});
  kill(-steal.outside_group, SIGKILL);
  if (geteuid() == 0) {  // forcing TIOCSCTTY needs CAP_SYS_ADMIN
    EXPECT_EQ(steal.r.out, "TIOCSCTTY = 0\nterminal session: lost\n") << steal.r.err;
  }
  EXPECT_EQ(of_kind(steal.r, "syscall", "ioctl").size(), 1u) << steal.r.trace;
}

}  // namespace
}  // namespace sigvisor::test
