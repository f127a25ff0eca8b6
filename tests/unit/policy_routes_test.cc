// Every target-carrying route (issue 13) under each shipped policy, decided on hand-built
// calls: which target scopes each policy lets through. ci-isolation keeps calls inside the
// sandbox; untrusted inside the caller's own tree, aborting at anything else; trace lets
// everything through (the built-in protection of sigvisor is not the policy's: see
// call_decision.cc, and the integration tests).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/prctl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <string>
#include <vector>

#include "case_name.h"
#include "model/scope.h"
#include "names/syscall_table.h"
#include "policy/policy.h"

#ifndef SIGVISOR_SOURCE_DIR
#error "SIGVISOR_SOURCE_DIR must name the source tree"
#endif

namespace sigvisor {
namespace {

struct Route {
  const char* what;
  Sys sys;
  std::array<uint64_t, 6> regs;
};

const Route kRoutes[] = {
    {"kill", Sys::kill, {4300, SIGTERM}},
    {"prlimit64_set", Sys::prlimit64, {4300, RLIMIT_CPU, 0x7ffd0000, 0}},
    {"prlimit64_read", Sys::prlimit64, {4300, RLIMIT_NOFILE, 0, 0x7ffd0000}},
    {"F_SETOWN", Sys::fcntl, {3, F_SETOWN, 4300}},
    {"F_SETOWN_EX", Sys::fcntl, {3, F_SETOWN_EX, 0x7ffd0000}},
    {"F_SETSIG", Sys::fcntl, {3, F_SETSIG, SIGUSR1}},
    {"TIOCSIG", Sys::ioctl, {3, TIOCSIG, SIGINT}},
    {"FIOSETOWN", Sys::ioctl, {3, FIOSETOWN, 0x7ffd0000}},
    {"SIOCSPGRP", Sys::ioctl, {3, SIOCSPGRP, 0x7ffd0000}},
    {"PR_SET_PDEATHSIG", Sys::prctl, {PR_SET_PDEATHSIG, SIGTERM}},
};

// The terminal commands that aim at no process: refused by `command` under the isolation
// policies whatever their target (Aim::self), allowed under trace.
const Route kTerminal[] = {
    {"TIOCSTI", Sys::ioctl, {0, TIOCSTI, 0x7ffd0000}},
    {"TIOCSCTTY", Sys::ioctl, {0, TIOCSCTTY, 1}},
    {"TIOCSETD", Sys::ioctl, {0, TIOCSETD, 0x7ffd0000}},
};

void PrintTo(const Route& r, std::ostream* os) {
  *os << r.what;
}

Policy shipped(const std::string& name) {
  auto p = Policy::load_file(std::string(SIGVISOR_SOURCE_DIR) + "/policies/" + name + ".json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(*p) : Policy::trace_all();
}

Decision decide(const Policy& p, const Route& r, Scope scope) {
  CallData call;
  call.sys = r.sys;
  call.regs = r.regs;
  Target t;
  t.pid = 4300;
  t.scope = scope;
  CallContext ctx;
  ctx.call = &call;
  ctx.comm = "test";
  ctx.target = &t;
  return p.decide(ctx);
}

constexpr Scope kInsideTree[] = {Scope::self, Scope::thread, Scope::child};
constexpr Scope kBeyond[] = {Scope::outside, Scope::init, Scope::supervisor, Scope::all};

class ShippedRoutes : public ::testing::TestWithParam<Route> {};

TEST_P(ShippedRoutes, CiIsolationKeepsThemInsideTheSandbox) {
  Policy p = shipped("ci-isolation");
  for (Scope s : {Scope::self, Scope::thread, Scope::child, Scope::sandbox, Scope::group}) {
    EXPECT_EQ(decide(p, GetParam(), s).action, Action::allow) << scope_name(s);
  }
  for (Scope s : kBeyond) {
    Decision d = decide(p, GetParam(), s);
    EXPECT_EQ(d.action, Action::deny) << scope_name(s);
    EXPECT_EQ(d.err, EPERM) << scope_name(s);
    EXPECT_FALSE(d.rule.empty()) << scope_name(s);
  }
}

TEST_P(ShippedRoutes, UntrustedKeepsThemInTheCallersTree) {
  Policy p = shipped("untrusted");
  for (Scope s : kInsideTree) {
    EXPECT_EQ(decide(p, GetParam(), s).action, Action::allow) << scope_name(s);
  }
  for (Scope s : kBeyond) {
    Decision d = decide(p, GetParam(), s);
    EXPECT_EQ(d.action, Action::abort) << scope_name(s);
    EXPECT_EQ(d.err, EPERM) << scope_name(s);
  }
  for (Scope s : {Scope::sandbox, Scope::group}) {
    EXPECT_EQ(decide(p, GetParam(), s).action, Action::abort) << scope_name(s);
  }
}

TEST_P(ShippedRoutes, TraceLetsThemThrough) {
  Policy p = shipped("trace");
  for (std::size_t i = 0; i + 1 < kScopeCount; ++i) {  // every scope but kernel
    auto s = static_cast<Scope>(i);
    EXPECT_EQ(decide(p, GetParam(), s).action, Action::allow) << scope_name(s);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ShippedRoutes, ::testing::ValuesIn(kRoutes), test::CaseName());

class ShippedTerminal : public ::testing::TestWithParam<Route> {};

TEST_P(ShippedTerminal, RefusedByCommandUnderTheIsolationPolicies) {
  for (const char* name : {"ci-isolation", "untrusted"}) {
    Policy p = shipped(name);
    Decision d = decide(p, GetParam(), Scope::self);
    EXPECT_EQ(d.action, Action::deny) << name;
    EXPECT_EQ(d.err, EPERM) << name;
    EXPECT_EQ(d.rule, "no-terminal-tricks") << name;
    EXPECT_FALSE(d.racy) << name << ": the command is a register";
  }
  EXPECT_EQ(decide(shipped("trace"), GetParam(), Scope::self).action, Action::allow);
}

INSTANTIATE_TEST_SUITE_P(Table, ShippedTerminal, ::testing::ValuesIn(kTerminal), test::CaseName());

// TIOCSPGRP hands the terminal to a group: outside, init's or sigvisor's is refused, a group
// of the sandbox allowed (job control; untrusted names it in rule terminal-to-the-sandbox).
TEST(ShippedTiocspgrp, OnlyToTheSandbox) {
  const Route tcsetpgrp{"TIOCSPGRP", Sys::ioctl, {0, TIOCSPGRP, 0x7ffd0000}};
  for (const char* name : {"ci-isolation", "untrusted"}) {
    Policy p = shipped(name);
    const bool untrusted = std::string(name) == "untrusted";
    for (Scope s : {Scope::self, Scope::group}) {
      EXPECT_EQ(decide(p, tcsetpgrp, s).action, Action::allow) << name << " " << scope_name(s);
    }
    for (Scope s : kBeyond) {
      Decision d = decide(p, tcsetpgrp, s);
      EXPECT_EQ(d.action, untrusted ? Action::abort : Action::deny) << name << scope_name(s);
      EXPECT_TRUE(d.racy) << "the group is read from memory";
    }
  }
}

// `command` matches the intercepted command only: the same syscall with another command,
// or a command whose high register bits are set (the kernel reads an int), decide as such.
TEST(CommandKey, MatchesTheCommandRegister) {
  auto p = Policy::load_string(R"({"name": "t", "default": "allow", "rules": [
      {"name": "sti", "match": {"command": "TIOCSTI"}, "action": "deny"},
      {"name": "own", "match": {"command": ["F_SETOWN", "FIOSETOWN"], "target": "outside"},
       "action": "deny"}]})",
                               "t.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  struct Case {
    const char* what;
    Route call;
    Scope scope;
    const char* rule;  // "" for the default
    bool racy;
  } cases[] = {
      {"TIOCSTI", {"", Sys::ioctl, {0, TIOCSTI, 0x7ffd0000}}, Scope::self, "sti", false},
      {"TIOCSTI high bits",
       {"", Sys::ioctl, {0, 0x100000000 | TIOCSTI, 0x7ffd0000}},
       Scope::self,
       "sti",
       false},
      {"TIOCSIG is another command (its pty is found through the fd: racy)",
       {"", Sys::ioctl, {0, TIOCSIG, 2}},
       Scope::self,
       "",
       true},
      {"F_SETOWN outside", {"", Sys::fcntl, {3, F_SETOWN, 4300}}, Scope::outside, "own", false},
      {"F_SETOWN inside", {"", Sys::fcntl, {3, F_SETOWN, 4300}}, Scope::child, "", false},
      {"FIOSETOWN outside: its owner is read from memory",
       {"", Sys::ioctl, {3, FIOSETOWN, 0x7ffd0000}},
       Scope::outside,
       "own",
       true},
      {"F_SETOWN_EX is not named (its owner is read from memory: racy)",
       {"", Sys::fcntl, {3, F_SETOWN_EX, 0x7ffd0000}},
       Scope::outside,
       "",
       true},
      {"kill has no command", {"", Sys::kill, {4300, SIGTERM}}, Scope::outside, "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Decision d = decide(*p, c.call, c.scope);
    EXPECT_EQ(d.rule, c.rule);
    EXPECT_EQ(d.racy, c.racy);
  }
}

// Issue 13, point 8: a target found through an fd (or through memory) can be swapped by
// another thread between the supervisor's look and the kernel's, so every decision about
// such a call is racy, under any policy, whichever rule decided; register targets are not.
TEST(RacyTargets, ThroughAnFdOrMemoryWhateverThePolicy) {
  struct Case {
    const char* what;
    Route call;
    bool racy;
  } cases[] = {
      {"pidfd_send_signal: the pidfd", {"", Sys::pidfd_send_signal, {3, SIGTERM, 0, 0}}, true},
      {"F_SETSIG: the fd's owner", {"", Sys::fcntl, {3, F_SETSIG, SIGUSR1}}, true},
      {"TIOCSIG: the pty behind the fd", {"", Sys::ioctl, {3, TIOCSIG, SIGINT}}, true},
      {"TIOCSPGRP: the group in memory", {"", Sys::ioctl, {0, TIOCSPGRP, 0x7ffd0000}}, true},
      {"FIOSETOWN: the owner in memory", {"", Sys::ioctl, {3, FIOSETOWN, 0x7ffd0000}}, true},
      {"F_SETOWN_EX: the owner in memory", {"", Sys::fcntl, {3, F_SETOWN_EX, 0x7ffd0000}}, true},
      {"kill: registers", {"", Sys::kill, {4300, SIGTERM}}, false},
      {"pidfd_open: a register pid", {"", Sys::pidfd_open, {4300, 0}}, false},
      {"F_SETOWN: a register owner", {"", Sys::fcntl, {3, F_SETOWN, 4300}}, false},
      {"prlimit64: a register pid", {"", Sys::prlimit64, {4300, RLIMIT_CPU, 0x7ffd0000, 0}}, false},
      {"TIOCSTI: memory, but no target in it", {"", Sys::ioctl, {0, TIOCSTI, 0x7ffd0000}}, false},
      {"PR_SET_PDEATHSIG: the caller", {"", Sys::prctl, {PR_SET_PDEATHSIG, SIGTERM}}, false},
  };
  for (const char* name : {"trace", "ci-isolation", "untrusted"}) {
    Policy p = shipped(name);
    for (const Case& c : cases) {
      for (Scope s : {Scope::child, Scope::outside}) {
        EXPECT_EQ(decide(p, c.call, s).racy, c.racy)
            << name << ": " << c.what << " " << scope_name(s);
      }
    }
  }
  // Without a target there is nothing to be racy about.
  CallData call;
  call.sys = Sys::pidfd_send_signal;
  call.regs = {3, SIGTERM};
  CallContext ctx;
  ctx.call = &call;
  EXPECT_FALSE(shipped("trace").decide(ctx).racy);
}

}  // namespace
}  // namespace sigvisor
