// Policy matching: each match key, each action, first-match precedence, the default,
// the racy flag and fail-closed reading of memory, on hand-built CallData (delivery
// rules: policy_delivery_test.cc).
#include <gtest/gtest.h>

#include <linux/audit.h>
#include "case_name.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>

#include "policy/policy.h"

namespace sigvisor {
namespace {

// One intercepted call as the notify loop would hand it to the policy.
struct Call {
  CallData data;
  std::optional<Scope> target;  // send family: the resolved target; nullopt: none given
  std::string comm = "prog";
  std::string exe = "/usr/bin/prog";

  Call& to(Scope s) {
    target = s;
    return *this;
  }
  Call& by(std::string c, std::string e = "/usr/bin/prog") {
    comm = std::move(c);
    exe = std::move(e);
    return *this;
  }
  Call& arch(uint32_t a) {
    data.arch = a;
    return *this;
  }
  // Pointer argument `i` at `addr`, snapshot `bytes` (readable) or a failed read.
  Call& mem(int i, uint64_t addr, const void* bytes, uint16_t size, bool readable = true) {
    data.regs[i] = addr;
    UserBuffer& b = data.mem[i];
    b.addr = addr;
    b.size = size;
    b.read = true;
    b.ok = readable;
    if (readable) std::memcpy(b.bytes.data(), bytes, size);
    return *this;
  }
};

Call make(Sys s, std::initializer_list<uint64_t> regs) {
  Call c;
  c.data.sys = s;
  c.data.arch = AUDIT_ARCH_X86_64;
  int i = 0;
  for (uint64_t r : regs) c.data.regs[i++] = r;
  return c;
}

Call kill_(int64_t pid, uint64_t sig) {
  return make(Sys::kill, {static_cast<uint64_t>(pid), sig});
}
Call tgkill_(int tgid, int tid, int sig) {
  return make(Sys::tgkill, {uint64_t(tgid), uint64_t(tid), uint64_t(sig)});
}

std::array<uint8_t, 128> siginfo(int signo, int code) {
  std::array<uint8_t, 128> info{};
  std::memcpy(info.data(), &signo, 4);
  std::memcpy(info.data() + 8, &code, 4);
  return info;
}
// rt_sigqueueinfo(pid, sig, info) with info's si_code; unreadable or NULL on request.
Call sigqueue_(int sig, int code, bool readable = true, bool null = false) {
  Call c = make(Sys::rt_sigqueueinfo, {4243, uint64_t(sig)});
  if (null) return c;
  auto info = siginfo(sig, code);
  return c.mem(2, 0x7000, info.data(), 128, readable);
}
Call procmask_(int how, uint64_t set, bool readable = true, uint64_t size = 8) {
  Call c = make(Sys::rt_sigprocmask, {uint64_t(how), 0, 0, size});
  return c.mem(1, 0x7100, &set, 8, readable);
}
Call procmask_null_set(int how) {
  return make(Sys::rt_sigprocmask, {uint64_t(how), 0, 0x7200, 8});
}
// rt_sigaction(sig, act, NULL, 8) with act's 64-bit handler field.
Call sigaction_(int sig, uint64_t handler, bool readable = true) {
  Call c = make(Sys::rt_sigaction, {uint64_t(sig), 0, 0, 8});
  uint64_t act[4] = {handler, 0x04000000 /* SA_RESTORER */, 0x401000, 0};
  return c.mem(1, 0x7300, act, 32, readable);
}
uint64_t sigbit(int sig) {
  return uint64_t{1} << (sig - 1);
}

Decision decide(const Policy& p, const Call& c) {
  Target t;
  if (c.target) t.scope = *c.target;
  CallContext ctx;
  ctx.call = &c.data;
  ctx.caller_pid = 4242;
  ctx.caller_tid = 4242;
  ctx.comm = c.comm;
  ctx.exe = c.exe;
  ctx.target = c.target ? &t : nullptr;
  return p.decide(ctx);
}

Policy load(const std::string& json) {
  auto p = Policy::load_string(json, "test.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return Policy::trace_all();
  return std::move(*p);
}

std::string with_rules(const std::string& rules, const std::string& tail = "") {
  return R"({"name": "p", "default": "allow", "rules": )" + rules + tail + "}";
}
// One rule named "r" with `match` and `action` (plus extra rule keys), default allow.
std::string one_rule(const std::string& match, const std::string& action = "deny",
                     const std::string& extra = "") {
  return with_rules(R"([{"name": "r", "match": )" + match + R"(, "action": ")" + action + "\"" +
                    extra + "}]");
}

struct MatchCase {
  const char* what;
  std::string policy;
  Call call;
  Action action;
  std::string rule;  // "" for the default
  int err;
  bool racy;
};
// ctest lists the case by name, not as a byte dump of the struct.
void PrintTo(const MatchCase& c, std::ostream* os) {
  *os << c.what;
}

class PolicyMatch : public ::testing::TestWithParam<MatchCase> {};

TEST_P(PolicyMatch, Decides) {
  const MatchCase& c = GetParam();
  Policy p = load(c.policy);
  Decision d = decide(p, c.call);
  EXPECT_EQ(action_name(d.action), action_name(c.action)) << c.what;
  EXPECT_EQ(d.rule, c.rule) << c.what;
  EXPECT_EQ(d.err, c.err) << c.what;
  EXPECT_EQ(d.racy, c.racy) << c.what;
}

constexpr Action A = Action::allow, L = Action::log, D = Action::deny, K = Action::kill,
                 X = Action::abort;

const MatchCase kMatch[] = {
    // syscall: names and families.
    {"syscall name", one_rule(R"({"syscall": "kill"})"), kill_(5, 15), D, "r", EPERM, false},
    {"other syscall", one_rule(R"({"syscall": "kill"})"), make(Sys::tkill, {5, 15}), A, "", 0,
     false},
    {"send family", one_rule(R"({"syscall": "send"})", "log"),
     make(Sys::pidfd_send_signal, {3, 15}), L, "r", 0, false},
    {"wait family", one_rule(R"({"syscall": ["fd", "wait"]})", "deny", R"(, "errno": "EINTR")"),
     make(Sys::pause, {}), D, "r", EINTR, false},
    {"mask family", one_rule(R"({"syscall": "mask"})"), procmask_(SIG_BLOCK, 0), D, "r", EPERM,
     false},
    {"empty match matches all", one_rule("{}", "log"), make(Sys::sigaltstack, {0, 0}), L, "r", 0,
     false},

    // sig: the signal argument, wherever the syscall keeps it.
    {"kill sig", one_rule(R"({"sig": "TERM"})"), kill_(5, SIGTERM), D, "r", EPERM, false},
    {"kill other sig", one_rule(R"({"sig": "TERM"})"), kill_(5, SIGKILL), A, "", 0, false},
    {"tgkill sig is the third", one_rule(R"({"sig": "TERM"})"), tgkill_(1, 2, SIGTERM), D, "r",
     EPERM, false},
    {"tgkill tid is not the sig", one_rule(R"({"sig": 15})"), tgkill_(1, 15, SIGINT), A, "", 0,
     false},
    {"rt_sigaction sig is the first", one_rule(R"({"sig": "SIGTERM"})"), sigaction_(SIGTERM, 0), D,
     "r", EPERM, false},
    {"no sig argument, no match", one_rule(R"({"sig": "1-64"})"), procmask_(SIG_BLOCK, ~0ull), A,
     "", 0, false},
    {"realtime", one_rule(R"({"sig": "realtime"})"), kill_(5, 40), D, "r", EPERM, false},
    {"realtime excludes 31", one_rule(R"({"sig": "realtime"})"), kill_(5, 31), A, "", 0, false},
    {"range inner", one_rule(R"({"sig": "SIGRTMIN+1-SIGRTMAX-2"})"), kill_(5, 62), D, "r", EPERM,
     false},
    {"range outer", one_rule(R"({"sig": "SIGRTMIN+1-SIGRTMAX-2"})"), kill_(5, 63), A, "", 0, false},
    {"numeric range", one_rule(R"({"sig": "1-15"})"), kill_(5, 9), D, "r", EPERM, false},
    {"signal 0 probe", one_rule(R"({"sig": 0})"), kill_(5, 0), D, "r", EPERM, false},
    {"upper register bits ignored as the kernel does", one_rule(R"({"sig": "KILL"})"),
     kill_(5, 0x100000009ull), D, "r", EPERM, false},
    {"out-of-range sig matches no set", one_rule(R"({"sig": "0-64"})"), kill_(5, 200), A, "", 0,
     false},

    // target: send family only; a missing target is outside.
    {"target", one_rule(R"({"target": "supervisor"})"), kill_(100, 9).to(Scope::supervisor), D, "r",
     EPERM, false},
    {"other target", one_rule(R"({"target": "supervisor"})"), kill_(100, 9).to(Scope::sandbox), A,
     "", 0, false},
    {"unresolved target is outside", one_rule(R"({"target": ["outside"]})"), kill_(100, 9), D, "r",
     EPERM, false},
    {"target never matches non-send", one_rule(R"({"target": ["self", "outside"]})"),
     sigaction_(SIGTERM, 0).to(Scope::self), A, "", 0, false},
    {"pidfd_open is send family", one_rule(R"({"target": "child"})", "log"),
     make(Sys::pidfd_open, {4300, 0}).to(Scope::child), L, "r", 0, false},

    // code: siginfo in tracee memory.
    {"code", one_rule(R"({"code": "SI_QUEUE"})"), sigqueue_(SIGUSR1, -1), D, "r", EPERM, true},
    {"other code, still racy", one_rule(R"({"code": "SI_QUEUE"})"), sigqueue_(SIGUSR1, -6), A, "",
     0, true},
    {"numeric code", one_rule(R"({"code": [-6]})"), sigqueue_(SIGUSR1, -6), D, "r", EPERM, true},
    {"unreadable info matches", one_rule(R"({"code": "SI_QUEUE"})"), sigqueue_(SIGUSR1, 0, false),
     D, "r", EPERM, true},
    {"NULL info matches, not racy", one_rule(R"({"code": "SI_QUEUE"})"),
     sigqueue_(SIGUSR1, 0, true, true), D, "r", EPERM, false},
    {"per-signal code, its signal", one_rule(R"({"code": "SEGV_MAPERR"})"), sigqueue_(SIGSEGV, 1),
     D, "r", EPERM, true},
    {"per-signal code, another signal", one_rule(R"({"code": "SEGV_MAPERR"})"),
     sigqueue_(SIGBUS, 1), A, "", 0, true},
    {"pidfd_send_signal info", one_rule(R"({"code": "SI_USER"})"),
     [] {
       Call c = make(Sys::pidfd_send_signal, {3, SIGTERM});
       auto info = siginfo(SIGTERM, 0);
       return c.mem(2, 0x7000, info.data(), 128);
     }(),
     D, "r", EPERM, true},
    {"rt_tgsigqueueinfo info", one_rule(R"({"code": "SI_TKILL"})"),
     [] {
       Call c = make(Sys::rt_tgsigqueueinfo, {1, 2, SIGTERM});
       auto info = siginfo(SIGTERM, -6);
       return c.mem(3, 0x7000, info.data(), 128);
     }(),
     D, "r", EPERM, true},

    // blocks: rt_sigprocmask sets in tracee memory.
    {"blocks", one_rule(R"({"blocks": "TERM"})"), procmask_(SIG_BLOCK, sigbit(SIGTERM)), D, "r",
     EPERM, true},
    {"blocks via setmask", one_rule(R"({"blocks": "TERM"})"),
     procmask_(SIG_SETMASK, sigbit(SIGINT) | sigbit(SIGTERM)), D, "r", EPERM, true},
    {"unblock never blocks", one_rule(R"({"blocks": "TERM"})"),
     procmask_(SIG_UNBLOCK, sigbit(SIGTERM)), A, "", 0, false},
    {"other signals", one_rule(R"({"blocks": "TERM"})"), procmask_(SIG_BLOCK, sigbit(SIGINT)), A,
     "", 0, true},
    {"NULL set changes nothing", one_rule(R"({"blocks": "TERM"})"), procmask_null_set(SIG_BLOCK), A,
     "", 0, false},
    {"unreadable set matches", one_rule(R"({"blocks": "TERM"})"), procmask_(SIG_BLOCK, 0, false), D,
     "r", EPERM, true},
    {"bad sigsetsize matches (EINVAL anyway)", one_rule(R"({"blocks": "TERM"})"),
     procmask_(SIG_BLOCK, 0, true, 16), D, "r", EPERM, false},
    {"blocks SIGRTMAX is bit 63", one_rule(R"({"blocks": "SIGRTMAX"})"),
     procmask_(SIG_BLOCK, uint64_t{1} << 63), D, "r", EPERM, true},
    {"blocks realtime", one_rule(R"({"blocks": "realtime"})"), procmask_(SIG_BLOCK, sigbit(40)), D,
     "r", EPERM, true},

    // handler: rt_sigaction's new action in tracee memory.
    {"handler ignore", one_rule(R"({"handler": "ignore"})"), sigaction_(SIGTERM, 1), D, "r", EPERM,
     true},
    {"handler default", one_rule(R"({"handler": "ignore"})"), sigaction_(SIGTERM, 0), A, "", 0,
     true},
    {"handler catch", one_rule(R"({"handler": ["catch"]})"), sigaction_(SIGTERM, 0x401136), D, "r",
     EPERM, true},
    {"NULL act is a query", one_rule(R"({"handler": ["default", "ignore", "catch"]})"),
     make(Sys::rt_sigaction, {SIGTERM, 0, 0x7300, 8}), A, "", 0, false},
    {"unreadable act matches", one_rule(R"({"handler": "default"})"), sigaction_(SIGTERM, 1, false),
     D, "r", EPERM, true},
    {"i386 act: 32-bit handler field", one_rule(R"({"handler": "ignore"})"),
     [] {
       Call c = make(Sys::rt_sigaction, {SIGTERM, 0, 0, 8});
       uint32_t act[5] = {1, 0x04000000, 0x8049000, 0, 0};
       return c.mem(1, 0x7300, act, 20).arch(AUDIT_ARCH_I386);
     }(),
     D, "r", EPERM, true},
    {"same bytes on x86_64 are a function", one_rule(R"({"handler": "ignore"})"),
     [] {
       Call c = make(Sys::rt_sigaction, {SIGTERM, 0, 0, 8});
       uint32_t act[8] = {1, 0x04000000, 0x8049000, 0, 0, 0, 0, 0};
       return c.mem(1, 0x7300, act, 32);
     }(),
     A, "", 0, true},

    // comm / exe globs of the caller.
    {"comm glob", one_rule(R"({"comm": "evil*"})"), kill_(5, 9).by("evil-bot"), D, "r", EPERM,
     false},
    {"comm glob miss", one_rule(R"({"comm": "evil*"})"), kill_(5, 9).by("good"), A, "", 0, false},
    {"exe glob spans directories", one_rule(R"({"exe": "/opt/*"})"),
     kill_(5, 9).by("x", "/opt/tests/bin/t1"), D, "r", EPERM, false},
    {"exe list", one_rule(R"({"exe": ["/bin/sh", "/usr/bin/*sh"]})"),
     kill_(5, 9).by("bash", "/usr/bin/bash"), D, "r", EPERM, false},

    // actions and errnos.
    {"kill with errno", one_rule("{}", "kill", R"(, "errno": "ESRCH")"), kill_(5, 9), K, "r", ESRCH,
     false},
    {"abort defaults to EPERM", one_rule("{}", "abort"), kill_(5, 9), X, "r", EPERM, false},
    {"log has no errno", one_rule("{}", "log"), kill_(5, 9), L, "r", 0, false},
    {"allow", one_rule(R"({"sig": "INT"})", "allow"), kill_(5, SIGINT), A, "r", 0, false},
    {"default deny with errno",
     R"({"name": "p", "default": "deny", "default_errno": "EACCES", "rules": []})", kill_(5, 9), D,
     "", EACCES, false},
    {"default kill", R"({"name": "p", "default": "kill"})", kill_(5, 9), K, "", EPERM, false},
    {"default log", R"({"name": "p", "default": "log"})", kill_(5, 9), L, "", 0, false},

    // first match wins.
    {"first of two matching rules",
     with_rules(R"([{"name": "a", "match": {"sig": "KILL"}, "action": "log"},
                    {"name": "b", "match": {"syscall": "kill"}, "action": "deny"}])"),
     kill_(5, SIGKILL), L, "a", 0, false},
    {"falls through to the second",
     with_rules(R"([{"name": "a", "match": {"sig": "KILL"}, "action": "log"},
                    {"name": "b", "match": {"syscall": "kill"}, "action": "deny"}])"),
     kill_(5, SIGTERM), D, "b", EPERM, false},
    {"keys are ANDed",
     with_rules(R"([{"name": "a", "match": {"sig": "KILL", "target": "init"}, "action": "deny"}])"),
     kill_(1, SIGKILL).to(Scope::sandbox), A, "", 0, false},

    // racy: the decision depended on memory even when a later rule decided.
    {"memory rule missed, later rule decides: racy",
     with_rules(R"([{"name": "a", "match": {"blocks": "TERM"}, "action": "deny"},
                    {"name": "b", "match": {"syscall": "mask"}, "action": "log"}])"),
     procmask_(SIG_BLOCK, sigbit(SIGINT)), L, "b", 0, true},
    {"memory rule skipped on registers: not racy",
     with_rules(R"([{"name": "a", "match": {"sig": "INT", "handler": "ignore"}, "action": "deny"},
                    {"name": "b", "match": {"syscall": "action"}, "action": "log"}])"),
     sigaction_(SIGTERM, 1), L, "b", 0, false},
    {"register rule before a memory rule: not racy",
     with_rules(R"([{"name": "a", "match": {"syscall": "mask"}, "action": "log"},
                    {"name": "b", "match": {"blocks": "TERM"}, "action": "deny"}])"),
     procmask_(SIG_BLOCK, sigbit(SIGTERM)), L, "a", 0, false},
};

INSTANTIATE_TEST_SUITE_P(Keys, PolicyMatch, ::testing::ValuesIn(kMatch),
                         sigvisor::test::CaseName());

TEST(PolicyMatch, NoCallDataGetsTheDefault) {
  Policy p = load(R"({"name": "p", "default": "deny", "rules": [
      {"name": "r", "match": {}, "action": "allow"}]})");
  CallContext ctx;
  Decision d = p.decide(ctx);
  EXPECT_EQ(d.action, Action::deny);
  EXPECT_EQ(d.rule, "");
}

TEST(PolicyMatch, CommViewNeedNotBeTerminated) {
  Policy p = load(one_rule(R"({"comm": "evil"})"));
  Call c = kill_(5, 9);
  std::string backing = "evilXXXX";
  CallContext ctx;
  ctx.call = &c.data;
  ctx.comm = std::string_view(backing).substr(0, 4);
  EXPECT_EQ(p.decide(ctx).action, Action::deny);
  ctx.comm = backing;
  EXPECT_EQ(p.decide(ctx).action, Action::allow);
}

TEST(PolicyMatch, TraceAllAllowsEverything) {
  Policy p = Policy::trace_all();
  EXPECT_EQ(p.name(), "trace");
  for (const Call& c : {kill_(1, 9).to(Scope::init), kill_(-1, 9).to(Scope::all),
                        sigaction_(SIGTERM, 1), procmask_(SIG_BLOCK, ~0ull)}) {
    Decision d = decide(p, c);
    EXPECT_EQ(d.action, Action::allow);
    EXPECT_EQ(d.rule, "");
    EXPECT_FALSE(d.racy);
  }
  DeliveryContext dc;
  dc.sig = SIGKILL;
  EXPECT_EQ(p.decide_delivery(dc).action, Action::allow);
}

TEST(PolicyDelivery, DeliveryRulesDoNotApplyToSyscalls) {
  Policy p = load(R"({"name": "p", "default": "allow", "rules": [
      {"name": "d", "match": {"event": "delivery"}, "action": "deny"}]})");
  Decision d = decide(p, kill_(5, 9));
  EXPECT_EQ(d.action, Action::allow);
  EXPECT_EQ(d.rule, "");
}

TEST(PolicyMatch, RuleNameOutlivesAMove) {
  auto loaded = Policy::load_string(one_rule(R"({"sig": "TERM"})"), "m.json");
  ASSERT_TRUE(loaded.ok());
  Policy moved = std::move(*loaded);
  Decision d = decide(moved, kill_(5, SIGTERM));
  Policy again = std::move(moved);
  EXPECT_EQ(d.rule, "r");
  EXPECT_EQ(decide(again, kill_(5, SIGTERM)).rule.data(), d.rule.data());
}

}  // namespace
}  // namespace sigvisor
