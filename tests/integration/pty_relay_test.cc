// The pty relay (src/terminal/pty_relay.h, issue 13) through an interactive bash on a
// pseudo-terminal (pty_relay.py): under untrusted (the policy asks for the relay) and
// under --pty, the program's terminal is one of its own; keystrokes it injects never
// reach the user's shell; input, output and exit statuses are as natively; ^Z stops the
// job and fg resumes it; the user's terminal is raw only while the relay runs and has its
// modes back however the run ends (exit, --timeout, signals to sigvisor).
#include <cstdlib>
#include <string>
#include <vector>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

const std::string kDriver = std::string(SIGVISOR_SOURCE_DIR) + "/tests/integration/pty_relay.py";

// How the relay is asked for: by the policy (untrusted, with and without Landlock's
// backstop) or by --pty under the default policy, which refuses nothing.
struct RelaySetup {
  const char* name;
  const char* policy;  // nullptr: the default
  bool landlock;
  bool pty_option;
};

void PrintTo(const RelaySetup& s, std::ostream* os) {
  *os << s.name;
}

std::string setup_name(const ::testing::TestParamInfo<RelaySetup>& info) {
  return info.param.name;
}

class PtyRelay : public SigvisorTest, public ::testing::WithParamInterface<RelaySetup> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (run_native({"python3", "-c", "import pty"}).exit_status != 0) {
      GTEST_SKIP() << "python3 with the pty module is needed";
    }
    if (run_native({"bash", "--version"}).exit_status != 0) GTEST_SKIP() << "bash is needed";
    setenv("SIGVISOR_EXAMPLES_DIR", SIGVISOR_EXAMPLES_DIR, 1);
    events_ = temp_path("pty-relay-events");
  }
  bool untrusted() const { return GetParam().policy != nullptr; }

  // The sigvisor command line the driver puts before each program.
  std::vector<std::string> sigvisor(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> cmd = {SIGVISOR_BIN, "-o", "/dev/null", "--json", events_};
    if (GetParam().policy != nullptr) {
      cmd.insert(cmd.end(), {"-P", GetParam().policy});
      // untrusted runs programs as another user when sigvisor is root (require_user).
      if (geteuid() == 0) cmd.insert(cmd.end(), {"--user", kUntrustedTestUser});
    }
    if (!GetParam().landlock) cmd.push_back("--no-landlock");
    if (GetParam().pty_option) cmd.push_back("--pty");
    for (const auto& a : variant_args()) cmd.push_back(a);
    cmd.insert(cmd.end(), extra.begin(), extra.end());
    cmd.push_back("--");
    return cmd;
  }
  // The scenario's transcript under sigvisor; events of the last run in events().
  Outcome relayed(const char* scenario, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> cmd = {"python3", kDriver, scenario};
    for (const auto& a : sigvisor(extra)) cmd.push_back(a);
    Outcome r = run_native(cmd, 110);
    r.events = read_events(events_);
    append_events_log(read_file(events_));
    expect_gapless(r);
    return r;
  }
  Outcome native(const char* scenario) { return run_native({"python3", kDriver, scenario}, 110); }
  // The ioctl events with `request`.
  static std::vector<json> ioctls(const Outcome& r, const std::string& request) {
    std::vector<json> out;
    for (const auto& e : of_kind(r, "syscall", "ioctl")) {
      if (e["args"]["request"] == request) out.push_back(e);
    }
    return out;
  }

  std::string events_;
};

TEST_P(PtyRelay, TheProgramHasATerminalOfItsOwn) {
  Outcome r = relayed("own_terminal");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "program terminal: own\na terminal\nstatus=0\n") << r.err;
}

// The control: --no-pty shares the user's terminal, whatever the policy, as natively.
TEST_P(PtyRelay, NoPtySharesTheTerminal) {
  if (GetParam().pty_option) GTEST_SKIP() << "--pty and --no-pty together are a usage error";
  Outcome shared = relayed("own_terminal", {"--no-pty"});
  EXPECT_EQ(shared.exit_status, 0) << shared.out << shared.err;
  EXPECT_EQ(shared.out, "program terminal: same\na terminal\nstatus=0\n") << shared.err;
}

TEST_P(PtyRelay, InjectedKeystrokesNeverReachTheShell) {
  Outcome n = native("inject");
  if (n.out.find("TIOCSTI = EIO") != std::string::npos) {
    GTEST_SKIP() << "TIOCSTI is disabled on this kernel (dev.tty.legacy_tiocsti = 0)";
  }
  ASSERT_EQ(n.out, "TIOCSTI = 0\ninjected command ran\n") << "the route is real natively";
  Outcome r = relayed("inject");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  auto calls = ioctls(r, "TIOCSTI");
  ASSERT_FALSE(calls.empty()) << "the attempt is recorded";
  if (untrusted()) {
    // Refused by the policy, and harmless anyway.
    EXPECT_EQ(r.out, "TIOCSTI = EPERM\ninjected command did not run\n") << r.err;
    EXPECT_EQ(calls[0]["action"], "deny");
    EXPECT_EQ(calls[0]["rule"], "no-terminal-tricks");
  } else {
    // Allowed by the policy: the keystrokes land in the program's own terminal, which
    // ends with it.
    EXPECT_EQ(r.out, "TIOCSTI = 0\ninjected command did not run\n") << r.err;
    EXPECT_EQ(calls[0]["action"], "allow");
  }
}

// A typed line reaches the program and comes back, with the terminal's echo, as natively.
TEST_P(PtyRelay, InputAndOutputPassAsNatively) {
  Outcome n = native("echo_line");
  ASSERT_EQ(n.out, "hello  world\ngot [hello  world]\nstatus=3\n") << n.err;
  Outcome r = relayed("echo_line");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
}

// No output is lost, the last bytes before the program ends included (the relay drains
// the pty before it stops).
TEST_P(PtyRelay, LargeOutputArrivesWhole) {
  Outcome r = relayed("big_output");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "20000 lines, first 1, last 20000\nin order\nstatus=0\n") << r.err;
}

TEST_P(PtyRelay, ExitStatusesAsNatively) {
  Outcome n = native("exit_statuses");
  ASSERT_EQ(n.out, "status=7\nstatus=143\n") << n.err;
  Outcome r = relayed("exit_statuses");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
}

// The program's terminal starts with the user's size and follows it (SIGWINCH to
// sigvisor, the size set on the pty, SIGWINCH from the pty to the program).
TEST_P(PtyRelay, WindowSizeFollowsTheUsersTerminal) {
  Outcome n = native("window_size");
  ASSERT_EQ(n.out, "size 80 24\nsize 101 31\nstatus=0\n") << n.err;
  Outcome r = relayed("window_size");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
}

TEST_P(PtyRelay, TheUserTerminalIsRawOnlyWhileTheRelayRuns) {
  ASSERT_EQ(native("raw_while_running").out, "cooked while running\nmodes kept\n");
  Outcome r = relayed("raw_while_running");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "raw while running\nmodes kept\n") << r.err;
}

TEST_P(PtyRelay, ModesComeBackAfterTimeout) {
  Outcome timeout = relayed("modes_after", {"--timeout", "1"});
  EXPECT_EQ(timeout.exit_status, 0) << timeout.out << timeout.err;
  EXPECT_EQ(timeout.out, "status=124\nmodes kept\n") << timeout.err;
}

// SIGTERM is the program's to handle (it ignores it); --kill-after ends the tree (exit 143).
TEST_P(PtyRelay, ModesComeBackAfterSignalsToSigvisor) {
  Outcome term = relayed("sigterm_kill_after", {"--kill-after", "1"});
  EXPECT_EQ(term.exit_status, 0) << term.out << term.err;
  EXPECT_EQ(term.out, "program got TERM\nstatus=143\nmodes kept\n") << term.err;
}

// ^Z reaches the program's pty as a byte; its line discipline stops the program's group
// (not orphaned: the session keeper is its parent), sigvisor stops with it, the shell
// says "Stopped", fg resumes both. ^C ends the job as natively.
TEST_P(PtyRelay, JobControlAsNatively) {
  Outcome n = native("stop_and_modes");
  ASSERT_EQ(n.exit_status, 0) << n.out << n.err;
  Outcome r = relayed("stop_and_modes");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
  bool stopped = false;
  for (const auto& e : r.events) {
    if (e.value("event", "") == "stop" && e.value("sig", "") == "SIGTSTP") stopped = true;
  }
  EXPECT_TRUE(stopped) << "no stop event";
}

TEST_P(PtyRelay, CtrlCAsNatively) {
  const std::string job_driver =
      std::string(SIGVISOR_SOURCE_DIR) + "/tests/integration/pty_job_control.py";
  Outcome n = run_native({"python3", job_driver, "ctrl_c"}, 110);
  ASSERT_EQ(n.exit_status, 0) << n.out << n.err;
  std::vector<std::string> cmd = {"python3", job_driver, "ctrl_c"};
  for (const auto& a : sigvisor()) cmd.push_back(a);
  Outcome r = run_native(cmd, 110);
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
}

// Started in the background, the program gets the user's keys once sigvisor is brought
// to the foreground (bash's fg of a running job sends no SIGCONT: the relay notices).
// A known difference: natively a background read stops the job ("Stopped (tty input)");
// under the relay the program waits for input instead.
TEST_P(PtyRelay, StartedInTheBackgroundThenBroughtToTheForeground) {
  Outcome n = native("background_then_fg");
  ASSERT_EQ(n.out, "cat echoed\nstatus=0\n") << n.err;
  Outcome r = relayed("background_then_fg");
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, n.out) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Setups, PtyRelay,
                         ::testing::Values(RelaySetup{"Untrusted", "untrusted", true, false},
                                           RelaySetup{"UntrustedNoLandlock", "untrusted", false,
                                                      false},
                                           RelaySetup{"PtyOption", nullptr, true, true}),
                         setup_name);

}  // namespace
}  // namespace sigvisor::test
