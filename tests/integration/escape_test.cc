// The escape suite (DESIGN.md section 9): examples/escape/ programs try to reach beyond
// the sandbox under -P ci-isolation and -P untrusted. For every attempt: an OUTSIDE
// canary (a `sleep 60` this test starts itself) survives, the attempt is an event with
// the refusal, and no process of the tree outlives sigvisor. Attempts that use a harmless
// signal (SIGURG) aim at this test process, which blocks SIGURG and checks it is not
// pending afterwards: a deterministic "was it delivered?".
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <ostream>
#include <set>

#include "escape_setup.h"
#include "harness.h"

namespace sigvisor::test {
namespace {

std::set<pid_t> tree_pids(const Outcome& r) {
  std::set<pid_t> out;
  for (const auto& e : r.events) {
    if (e.value("event", "") == "exec" && out.empty()) out.insert(e["pid"].get<pid_t>());
    if (e.value("event", "") == "spawn" && !e.value("thread", false)) {
      out.insert(e["child"]["pid"].get<pid_t>());
    }
  }
  return out;
}

// Syscall events of `names` that were refused (deny, kill, abort) with EPERM.
std::size_t refusals(const Outcome& r, std::initializer_list<const char*> names) {
  std::size_t n = 0;
  for (const char* name : names) {
    for (const auto& e : of_kind(r, "syscall", name)) {
      std::string a = e.value("action", "");
      if ((a == "deny" || a == "abort" || a == "kill") && e["errno"] == "EPERM") ++n;
    }
  }
  return n;
}

// Empty when `int $0x80` works here; otherwise why not. Some kernels and hypervisors
// (IA32 emulation off, or no user gate for vector 0x80: a general protection fault)
// close the i386 route themselves; there is nothing to police then.
std::string int80_missing() {
  Outcome n = run_native({example("int80_kill"), std::to_string(getpid()), "0"});
  if (n.exit_status == 0) return {};
  return "int $0x80 does not work on this kernel (native probe exited " +
         std::to_string(n.exit_status) + "): the i386 route is closed by the kernel";
}

// /proc/PID/limits' line for one limit ("Max cpu time  unlimited  unlimited  seconds").
std::string limit_line(pid_t pid, const std::string& name) {
  for (const auto& l : lines_with(read_file("/proc/" + std::to_string(pid) + "/limits"), name)) {
    return l;
  }
  return {};
}

class Escape : public SigvisorTest, public ::testing::WithParamInterface<Setup> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    canary_ = fork();
    if (canary_ == 0) {
      // Under untrusted the program runs as the test user: so does the canary, so that the
      // kernel would let the program signal it and only the policy (or Landlock) stops it.
      if (untrusted() && geteuid() == 0 &&
          (setgid(kUntrustedTestUid) != 0 || setuid(kUntrustedTestUid) != 0)) {
        _exit(98);
      }
      execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
      _exit(99);
    }
    ASSERT_GT(canary_, 0);
  }
  void TearDown() override {
    if (canary_ > 0) {
      kill(canary_, SIGKILL);
      waitpid(canary_, nullptr, 0);
    }
  }
  bool untrusted() const { return std::string(GetParam().policy) == "untrusted"; }

  // Runs one attempt and checks what every attempt must leave behind.
  Outcome attempt(const std::vector<std::string>& command,
                  const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"-P", GetParam().policy};
    if (!GetParam().landlock) args.push_back("--no-landlock");
    args.insert(args.end(), extra.begin(), extra.end());
    Outcome r = run_sigvisor(args, command);
    EXPECT_TRUE(alive(canary_)) << "the outside canary died: " << command[0] << "\n" << r.trace;
    for (pid_t p : tree_pids(r)) EXPECT_FALSE(alive(p)) << "pid " << p << " outlived sigvisor";
    expect_gapless(r);
    return r;
  }
  // Exit status when a refused attempt made the program fail (ci-isolation) or the
  // policy aborted the sandbox (untrusted).
  int refused_status() const { return untrusted() ? 125 : 1; }
  std::string refused_action() const { return untrusted() ? "abort" : "deny"; }

  pid_t canary_ = -1;
};

// prlimit(canary, RLIMIT_CPU, {1, 1}): the kernel would kill the canary once it has used a
// second of CPU. A sleeping canary never does, so its limits themselves are the witness.
TEST_P(Escape, PrlimitTheCanary) {
  const std::string before = limit_line(canary_, "Max cpu time");
  ASSERT_NE(before.find("unlimited"), std::string::npos) << before;
  Outcome r = attempt({example("prlimit_canary"), std::to_string(canary_)});
  EXPECT_EQ(limit_line(canary_, "Max cpu time"), before) << "the canary's CPU limit changed";
  EXPECT_EQ(r.exit_status, refused_status()) << r.out << r.err;
  auto calls = of_kind(r, "syscall", "prlimit64");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["args"]["pid"], canary_);
  EXPECT_EQ(calls[0]["args"]["resource"], "RLIMIT_CPU");
  EXPECT_EQ(calls[0]["args"]["new_limit"], (nlohmann::json{{"rlim_cur", 1}, {"rlim_max", 1}}));
  EXPECT_EQ(calls[0]["target"]["pid"], canary_);
  EXPECT_EQ(calls[0]["target"]["scope"], "outside");
  EXPECT_EQ(calls[0]["target"]["comm"], "sleep");
  EXPECT_EQ(calls[0]["action"], refused_action());
  EXPECT_EQ(calls[0]["errno"], "EPERM");
}

TEST_P(Escape, KillEveryone) {
  Outcome r = attempt({example("kill_pid"), "-1", std::to_string(SIGTERM)});
  EXPECT_EQ(r.exit_status, refused_status()) << r.err;
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "all");
  EXPECT_EQ(calls[0]["action"], refused_action());
  EXPECT_EQ(calls[0]["errno"], "EPERM");
}

TEST_P(Escape, KillTheCanaryAndTheRunner) {
  for (pid_t victim : {canary_, getpid()}) {
    Outcome r = attempt({example("kill_pid"), std::to_string(victim), std::to_string(SIGTERM)});
    EXPECT_EQ(r.exit_status, refused_status()) << r.err;
    auto calls = of_kind(r, "syscall", "kill");
    ASSERT_EQ(calls.size(), 1u) << r.trace;
    EXPECT_EQ(calls[0]["target"]["scope"], "outside");
    EXPECT_EQ(calls[0]["target"]["pid"], victim);
    EXPECT_EQ(calls[0]["action"], refused_action());
    EXPECT_EQ(calls[0]["errno"], "EPERM");
  }
}

TEST_P(Escape, ProbeInit) {
  // Signal 0 only: a broken rule must not signal this machine's pid 1.
  Outcome r = attempt({example("kill_pid"), "1", "0"});
  EXPECT_EQ(r.exit_status, refused_status()) << r.err;
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "init");
  EXPECT_EQ(calls[0]["action"], refused_action());
  EXPECT_EQ(calls[0]["errno"], "EPERM");
}

TEST_P(Escape, PidfdToTheCanary) {
  Outcome r = attempt({example("pidfd_kill"), std::to_string(canary_)});
  EXPECT_EQ(r.exit_status, refused_status()) << r.out << r.err;
  // pidfd_open is refused; the /proc/PID fallback's pidfd_send_signal is refused too.
  EXPECT_GE(refusals(r, {"pidfd_open", "pidfd_send_signal"}), 1u) << r.trace;
  EXPECT_EQ(lines_with(r.out, "pidfd_send_signal(").size() == 1 &&
                lines_with(r.out, "pidfd_send_signal(").front().find("= 0") != std::string::npos,
            false)
      << r.out;
}

TEST_P(Escape, ForgedQueueToTheCanary) {
  Outcome r = attempt({example("forged_queue"), std::to_string(canary_)});
  EXPECT_EQ(r.exit_status, refused_status()) << r.out << r.err;
  auto calls = of_kind(r, "syscall", "rt_sigqueueinfo");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "outside");
  EXPECT_EQ(calls[0]["action"], refused_action());
  EXPECT_EQ(calls[0]["errno"], "EPERM");
}

TEST_P(Escape, Int80KillTheCanary) {
  if (auto why = int80_missing(); !why.empty()) GTEST_SKIP() << why;
  Outcome r = attempt({example("int80_kill"), std::to_string(canary_), std::to_string(SIGTERM)});
  EXPECT_EQ(r.exit_status, refused_status()) << r.out << r.err;
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["arch"], "i386");
  EXPECT_EQ(calls[0]["target"]["scope"], "outside");
  EXPECT_EQ(calls[0]["action"], refused_action());
  EXPECT_EQ(calls[0]["errno"], "EPERM");
  if (!untrusted()) EXPECT_NE(r.out.find(" = -1\n"), std::string::npos) << r.out;  // -EPERM
}

// x32 calls are refused with ENOSYS (as by a kernel without x32) under every policy, and
// recorded with their ABI and raw arguments.
TEST_P(Escape, X32KillIsRefusedAndRecorded) {
  UrgCanary urg;
  Outcome r = attempt({example("x32_kill"), std::to_string(getpid()), std::to_string(SIGURG)});
  EXPECT_FALSE(urg.received()) << "the x32 kill was delivered";
  EXPECT_EQ(r.exit_status, 1) << r.out << r.err;  // the program saw the failure
  EXPECT_EQ(r.out, "x32 kill(" + std::to_string(getpid()) + ", " + std::to_string(SIGURG) +
                       ") = -38\n");  // -ENOSYS
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["arch"], "x32");
  EXPECT_EQ(calls[0]["nr"], 0x40000000 | 62);
  EXPECT_EQ(calls[0]["args"]["regs"][0], getpid());
  EXPECT_EQ(calls[0]["args"]["regs"][1], SIGURG);
  EXPECT_EQ(calls[0]["action"], "deny");
  EXPECT_EQ(calls[0]["rule"], "foreign-abi");
  EXPECT_EQ(calls[0]["errno"], "ENOSYS");
  EXPECT_EQ(calls[0]["retval"], -1);
  auto exits = of_kind(r, "exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["status"]["code"], 1);
}

TEST_P(Escape, SetsidThenKillZeroHitsOnlyItself) {
  Outcome r = attempt({example("setsid_kill0")});
  auto calls = of_kind(r, "syscall", "kill");
  if (!records_allowed(GetParam())) {
    EXPECT_EQ(r.exit_status, 0) << r.err;
    EXPECT_TRUE(calls.empty()) << r.trace;  // allowed: not recorded
    EXPECT_NE(r.out.find("child killed by signal 15"), std::string::npos) << r.out;
    return;
  }
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["target"]["scope"], "group");
  if (untrusted()) {
    EXPECT_EQ(r.exit_status, 125);
    EXPECT_EQ(calls[0]["action"], "abort");
  } else {
    // Its new group holds only itself: it dies of its own SIGTERM, nothing else does.
    EXPECT_EQ(r.exit_status, 0) << r.err;
    EXPECT_EQ(calls[0]["action"], "allow");
    EXPECT_NE(r.out.find("child killed by signal 15"), std::string::npos) << r.out;
  }
}

TEST_P(Escape, ForkBombEndedByTimeout) {
  Outcome r = attempt({example("fork_bomb"), "48"}, {"--timeout", "3", "--timeout-signal", "KILL"});
  EXPECT_EQ(r.exit_status, 124) << r.err;
  auto pids = tree_pids(r);
  EXPECT_GE(pids.size(), 2u);
  EXPECT_EQ(lines_with(r.err, "sigvisor: timeout after 3 s: killed ").size(), 1u) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Policies, Escape, kIsolationSetups, setup_name);

// Attacks on sigvisor itself are refused under every shipped policy, trace included (the
// built-in protection): prlimit on sigvisor with RLIMIT_FSIZE = 0 would kill it with
// SIGXFSZ at its next log write, RLIMIT_NOFILE = 3 would starve it of descriptors.
class SupervisorEscape : public SigvisorTest, public ::testing::WithParamInterface<Setup> {};

TEST_P(SupervisorEscape, PrlimitTheSupervisor) {
  std::vector<std::string> args = {"-P", GetParam().policy};
  if (!GetParam().landlock) args.push_back("--no-landlock");
  Outcome r = run_sigvisor(args, {example("prlimit_supervisor")});
  const bool untrusted = std::string(GetParam().policy) == "untrusted";
  // It ran to its normal end: the program's status (or the abort's), not SIGXFSZ.
  EXPECT_EQ(r.exit_status, untrusted ? 125 : 1) << r.out << r.err;
  expect_gapless(r);
  auto calls = of_kind(r, "syscall", "prlimit64");
  ASSERT_EQ(calls.size(), untrusted ? 1u : 2u) << r.trace;  // untrusted aborts at the first
  for (const auto& c : calls) {
    EXPECT_EQ(c["target"]["scope"], "supervisor");
    EXPECT_EQ(c["target"]["comm"], "sigvisor");
    EXPECT_EQ(c["action"], untrusted ? "abort" : "deny");
    EXPECT_EQ(c["rule"], untrusted ? "escape-attempt" : "protect-supervisor");
    EXPECT_EQ(c["errno"], "EPERM");
  }
  EXPECT_EQ(calls[0]["args"]["resource"], "RLIMIT_FSIZE");
  if (!untrusted) {
    EXPECT_EQ(r.out, "RLIMIT_FSIZE = EPERM\nRLIMIT_NOFILE = EPERM\n");
    EXPECT_EQ(calls[1]["args"]["resource"], "RLIMIT_NOFILE");
  }
  // The log has its tail: the program's exit, after the refused calls.
  EXPECT_EQ(of_kind(r, "exit").size(), 1u) << r.trace;
  EXPECT_EQ(lines_with(r.trace, "prlimit64(").size(), calls.size()) << r.trace;
}

INSTANTIATE_TEST_SUITE_P(Policies, SupervisorEscape, kEverySetup, setup_name);

class OtherAbi : public SigvisorTest {};

// Under the permissive policy the i386 kill is allowed, delivered, and recorded as i386.
TEST_F(OtherAbi, Int80KillIsSeenAndRecordedWithItsArch) {
  if (auto why = int80_missing(); !why.empty()) GTEST_SKIP() << why;
  UrgCanary urg;
  Outcome r =
      run_sigvisor({}, {example("int80_kill"), std::to_string(getpid()), std::to_string(SIGURG)});
  EXPECT_TRUE(urg.received());
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["arch"], "i386");
  EXPECT_EQ(calls[0]["action"], "allow");
  EXPECT_EQ(calls[0]["target"]["pid"], getpid());
  EXPECT_EQ(calls[0]["args"]["sig"], "SIGURG");
}

// Native calls carry no arch field.
TEST_F(OtherAbi, NativeCallsHaveNoArchField) {
  Outcome r = run_sigvisor({}, {example("kill_pid"), "ppid", "0"});
  auto calls = of_kind(r, "syscall", "kill");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_FALSE(calls[0].contains("arch"));
}

// i386 signal syscalls that are not routed are refused (ENOSYS) and recorded instead of
// running unseen.
TEST_F(OtherAbi, Int80SigactionIsRefusedAndRecorded) {
  if (auto why = int80_missing(); !why.empty()) GTEST_SKIP() << why;
  Outcome r = run_sigvisor({}, {example("int80_sigaction")});
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "int80 rt_sigaction(SIGTERM, NULL, NULL, 8) = -38\n");
  auto calls = of_kind(r, "syscall", "rt_sigaction");
  ASSERT_EQ(calls.size(), 1u) << r.trace;
  EXPECT_EQ(calls[0]["arch"], "i386");
  EXPECT_EQ(calls[0]["rule"], "foreign-abi");
  EXPECT_EQ(calls[0]["errno"], "ENOSYS");
}

// The text form: the ABI, the name, raw arguments, strace's result, the refusal.
TEST_F(OtherAbi, X32CallInText) {
  Outcome r = run_sigvisor({}, {example("x32_kill"), "0", "0"});
  EXPECT_EQ(r.exit_status, 1) << r.out << r.err;
  auto lines = lines_with(r.trace, "[x32] kill(0, 0, 0");
  ASSERT_EQ(lines.size(), 1u) << r.trace;
  EXPECT_NE(
      lines[0].find("= -1 ENOSYS (Function not implemented) (DENIED by rule \"foreign-abi\")"),
      std::string::npos)
      << lines[0];
}

}  // namespace
}  // namespace sigvisor::test
