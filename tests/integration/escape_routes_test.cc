// Issue 13, point 7: the indirect routes to a process outside the sandbox, under
// ci-isolation and untrusted, each with and without Landlock. A `sleep` canary outside
// the sandbox is made the SIGIO owner of a socket (F_SETOWN, F_SETOWN_EX, FIOSETOWN,
// SIOCSPGRP) or the foreground group of a pty the program holds (TIOCSIG): SIGIO (or
// SIGINT) would end it. The policy itself must refuse each route: the canary survives
// with --no-landlock too, and the attempt is an event with the refusal. Under trace the
// same runs kill a canary: the routes are real. And where a policy lets such a route
// through, Landlock's signal scope is the backstop.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "escape_setup.h"
#include "harness.h"
#include "kernel/kernel_features.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

struct SigioRoute {
  const char* route;    // sigio_route's first argument
  const char* syscall;  // fcntl or ioctl
  const char* key;      // its command argument: cmd or request
  bool in_memory;       // the owner is read from tracee memory: racy
};

constexpr SigioRoute kSigioRoutes[] = {
    {"F_SETOWN", "fcntl", "cmd", false},
    {"F_SETOWN_EX", "fcntl", "cmd", true},
    {"FIOSETOWN", "ioctl", "request", true},
    {"SIOCSPGRP", "ioctl", "request", true},
};

// The one event of `syscall` whose command argument is `command`.
json the_call(const Outcome& r, const std::string& syscall, const std::string& key,
              const std::string& command) {
  std::vector<json> calls;
  for (const auto& e : of_kind(r, "syscall", syscall)) {
    if (e["args"][key] == command) calls.push_back(e);
  }
  EXPECT_EQ(calls.size(), 1u) << command << "\n" << r.trace;
  return calls.empty() ? json::object() : calls[0];
}

// A pty whose foreground group is a `sleep` outside the sandbox (its session leader);
// the master stays open here and is inherited by sigvisor and the program.
class PtyCanary {
 public:
  PtyCanary() {
    int slave = -1;
    if (openpty(&master_, &slave, nullptr, nullptr, nullptr) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) _exit(97);
      execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
      _exit(99);
    }
    close(slave);
    // Ready once the kernel reports its group as the pty's foreground.
    eventually([&] {
      pid_t fg = 0;
      return ioctl(master_, TIOCGPGRP, &fg) == 0 && fg == pid_;
    });
  }
  ~PtyCanary() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }
  pid_t pid() const { return pid_; }
  int master() const { return master_; }

 private:
  int master_ = -1;
  pid_t pid_ = -1;
};

// Empty when `int $0x80` works here; otherwise why not (the i386 route is then closed by
// the kernel itself: IA32 emulation off, or no gate for vector 0x80).
std::string int80_missing() {
  Outcome n = run_native({example("int80_kill"), std::to_string(getpid()), "0"});
  if (n.exit_status == 0) return {};
  return "int $0x80 does not work on this kernel (native probe exited " +
         std::to_string(n.exit_status) + ")";
}

class EscapeRoutes : public SigvisorTest, public ::testing::WithParamInterface<Setup> {
 protected:
  bool untrusted() const { return std::string(GetParam().policy) == "untrusted"; }
  Outcome attempt(const std::vector<std::string>& command) {
    std::vector<std::string> args = {"-P", GetParam().policy};
    if (!GetParam().landlock) args.push_back("--no-landlock");
    Outcome r = run_sigvisor(args, command);
    expect_gapless(r);
    return r;
  }
  // The refusal: ci-isolation denies (the program sees EPERM and exits 1), untrusted
  // aborts the sandbox (exit 125).
  void expect_refused(const Outcome& r, const json& call, const std::string& line) {
    EXPECT_EQ(r.exit_status, untrusted() ? 125 : 1) << r.out << r.err;
    EXPECT_EQ(call["target"]["scope"], "outside") << call;
    EXPECT_EQ(call["action"], untrusted() ? "abort" : "deny") << call;
    EXPECT_EQ(call["rule"], untrusted() ? "escape-attempt" : "stay-inside") << call;
    EXPECT_EQ(call["errno"], "EPERM") << call;
    if (!untrusted()) EXPECT_EQ(r.out, line + " = EPERM\n");
  }
};

TEST_P(EscapeRoutes, SigioOwnerOutsideTheSandbox) {
  for (const SigioRoute& route : kSigioRoutes) {
    SCOPED_TRACE(route.route);
    Canary canary;
    ASSERT_GT(canary.pid(), 0);
    Outcome r = attempt({example("sigio_route"), route.route, std::to_string(canary.pid())});
    EXPECT_TRUE(alive(canary.pid())) << "SIGIO reached the canary";
    json call = the_call(r, route.syscall, route.key, route.route);
    expect_refused(r, call, route.route);
    EXPECT_EQ(call["target"]["pid"], canary.pid());
    EXPECT_EQ(call["racy"], route.in_memory);
  }
}

TEST_P(EscapeRoutes, TiocsigToAnOutsideForegroundGroup) {
  PtyCanary canary;
  if (canary.master() < 0) GTEST_SKIP() << "no pseudo-terminals";
  ASSERT_GT(canary.pid(), 0);
  Outcome r = attempt({example("tiocsig_route"), std::to_string(canary.master())});
  EXPECT_TRUE(alive(canary.pid())) << "SIGINT reached the pty's outside foreground group";
  json call = the_call(r, "ioctl", "request", "TIOCSIG");
  expect_refused(r, call, "TIOCSIG");
  EXPECT_EQ(call["target"]["pid"], -canary.pid());  // its group
  EXPECT_EQ(call["args"]["arg"], "SIGINT");
  EXPECT_EQ(call["racy"], true);  // the pty is found through the fd
}

// Issue 13, point 6: the same route through i386 `int $0x80` is routed and refused too.
TEST_P(EscapeRoutes, Int80SetownToTheCanary) {
  if (auto why = int80_missing(); !why.empty()) GTEST_SKIP() << why;
  Canary canary;
  Outcome r = attempt({example("int80_setown"), std::to_string(canary.pid())});
  EXPECT_TRUE(alive(canary.pid())) << "SIGIO reached the canary";
  json call = the_call(r, "fcntl", "cmd", "F_SETOWN");
  EXPECT_EQ(call["arch"], "i386");
  EXPECT_EQ(call["target"]["pid"], canary.pid());
  EXPECT_EQ(r.exit_status, untrusted() ? 125 : 1) << r.out << r.err;
  EXPECT_EQ(call["target"]["scope"], "outside");
  EXPECT_EQ(call["action"], untrusted() ? "abort" : "deny");
  EXPECT_EQ(call["errno"], "EPERM");
}

INSTANTIATE_TEST_SUITE_P(Policies, EscapeRoutes, kIsolationSetups, setup_name);

class RouteControls : public SigvisorTest {};

// Under trace (no refusal, no Landlock) every one of these routes ends its canary.
TEST_F(RouteControls, UnderTraceEachRouteKillsItsCanary) {
  for (const SigioRoute& route : kSigioRoutes) {
    SCOPED_TRACE(route.route);
    Canary canary;
    Outcome r =
        run_sigvisor({}, {example("sigio_route"), route.route, std::to_string(canary.pid())});
    EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
    EXPECT_TRUE(eventually([&] { return !alive(canary.pid()); }, 10)) << "the canary lived";
    EXPECT_EQ(the_call(r, route.syscall, route.key, route.route)["action"], "allow");
  }
  if (int80_missing().empty()) {
    Canary canary;
    Outcome r = run_sigvisor({}, {example("int80_setown"), std::to_string(canary.pid())});
    EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
    EXPECT_TRUE(eventually([&] { return !alive(canary.pid()); }, 10)) << "the canary lived";
    EXPECT_EQ(the_call(r, "fcntl", "cmd", "F_SETOWN")["arch"], "i386");
  }
  PtyCanary pty;
  if (pty.master() < 0) return;
  Outcome r = run_sigvisor({}, {example("tiocsig_route"), std::to_string(pty.master())});
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_TRUE(eventually([&] { return !alive(pty.pid()); }, 10)) << "the pty canary lived";
}

// The kernel backstop, where a policy lets an indirect route through: this policy refuses
// only the send family beyond the sandbox, so sigvisor turns Landlock's signal scope on
// (Policy::forbids_outside) while F_SETOWN to an outside owner is allowed. The SIGIO is
// stopped by the kernel; the same run with --no-landlock shows it would arrive.
TEST_F(RouteControls, LandlockStopsSigioToAnOutsideOwner) {
  if (auto why = missing(Feature::landlock_signal_scope); !why.empty()) GTEST_SKIP() << why;
  const std::string policy = temp_path("send-only.json");
  std::ofstream(policy) << R"({"name": "send-only", "default": "allow", "rules": [
      {"name": "send-inside", "match": {"syscall": "send",
       "target": ["outside", "init", "supervisor", "all"]}, "action": "deny"}]})";
  UrgCanary urg;
  const std::vector<std::string> cmd = {example("sigio_owner"), std::to_string(getpid()),
                                        std::to_string(SIGURG)};
  Outcome r = run_sigvisor({"-P", policy}, cmd);
  EXPECT_FALSE(urg.received()) << "SIGIO reached a process outside the sandbox";
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_EQ(the_call(r, "fcntl", "cmd", "F_SETOWN")["action"], "allow");
  Outcome control = run_sigvisor({"-P", policy, "--no-landlock"}, cmd);
  EXPECT_EQ(control.exit_status, 0) << control.out << control.err;
  EXPECT_TRUE(urg.received()) << "without Landlock the SIGIO should arrive: " << control.out;
}

// Issue 13, point 8: a second thread dup2()s an outside /proc/PID fd over the pidfd the
// main thread signals through. Whatever sigvisor saw, each decision says "racy": true;
// the kernel backstop keeps the signal from the outside process. (Without Landlock the
// race can win: the labels, not the decisions, are what hold there.)
TEST_F(RouteControls, FdRacesAreLabelledAndLandlockHolds) {
  if (auto why = missing(Feature::landlock_signal_scope); !why.empty()) GTEST_SKIP() << why;
  UrgCanary urg;
  Outcome r = run_sigvisor({"-P", "ci-isolation"}, {example("pidfd_race"), std::to_string(getpid()),
                                                    std::to_string(SIGURG), "300"});
  EXPECT_FALSE(urg.received()) << "the raced pidfd_send_signal reached the outside process";
  EXPECT_EQ(r.exit_status, 0) << r.out << r.err;
  expect_gapless(r);
  auto sends = of_kind(r, "syscall", "pidfd_send_signal");
  ASSERT_EQ(sends.size(), 300u) << r.trace;
  for (const auto& e : sends) EXPECT_EQ(e["racy"], true) << e;
  // pidfd_open names its process by a register: not racy.
  auto opens = of_kind(r, "syscall", "pidfd_open");
  ASSERT_EQ(opens.size(), 1u);
  EXPECT_EQ(opens[0]["racy"], false);
}

// The same labels under the permissive policy: F_SETSIG (the fd's owner) and TIOCSIG (the
// pty behind the fd) are racy, F_SETOWN (a register) and PR_SET_PDEATHSIG are not.
TEST_F(RouteControls, FdTargetsAreRacyUnderEveryPolicy) {
  Canary canary;
  Outcome r = run_sigvisor({}, {example("indirect_signals"), std::to_string(canary.pid())});
  ASSERT_EQ(r.exit_status, 0) << r.out << r.err;
  EXPECT_EQ(the_call(r, "fcntl", "cmd", "F_SETSIG")["racy"], true);
  EXPECT_EQ(the_call(r, "prctl", "option", "PR_SET_PDEATHSIG")["racy"], false);
  for (const auto& e : of_kind(r, "syscall", "fcntl")) {
    if (e["args"]["cmd"] == "F_SETOWN") EXPECT_EQ(e["racy"], false) << e;
  }
  if (r.out.find("tiocsig=delivered") != std::string::npos) {
    EXPECT_EQ(the_call(r, "ioctl", "request", "TIOCSIG")["racy"], true);
  }
}

}  // namespace
}  // namespace sigvisor::test
