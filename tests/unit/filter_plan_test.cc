// plan_filter (calls/filter_plan.h): what the launch filter routes for each option and
// policy, as a table; the plan's promises over every combination of a grid of options; and
// Policy::call_actions() checked against the matcher itself: no call of a syscall the plan
// leaves in the kernel is ever refused (or logged where it would be printed), and for
// simple policies every syscall the plan routes for a rule's sake has a call it decides.
#include "calls/filter_plan.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "case_name.h"
#include "cli/trace_set.h"
#include "policy/policy.h"
#include "sys_sets.h"

#ifndef SIGVISOR_SOURCE_DIR
#error "SIGVISOR_SOURCE_DIR must name the source tree"
#endif

namespace sigvisor {
namespace {

using test::names;
using test::set_of;
using test::SysSet;
constexpr auto kSigreturn = static_cast<std::size_t>(Sys::rt_sigreturn);

const SysSet kTargets = set_of("send,indirect,limit");

Policy policy_of(const char* json) {
  if (json == nullptr) return Policy::trace_all();
  auto p = Policy::load_string(json, "test.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(*p) : Policy::trace_all();
}

FilterInputs inputs(const Policy& p, const SysSet& printed, const SysSet& results, bool summary) {
  FilterInputs in;
  in.printed = printed;
  in.results = results;
  in.summary = summary;
  in.record = p.record();
  in.policy = p.call_actions();
  return in;
}

// The policies the cases use. nullptr: the built-in trace policy (allow, record all).
constexpr const char* kTrace = nullptr;
constexpr const char* kDenialsOnly = R"({"name": "d", "default": "allow", "record": "denied",
  "rules": [{"name": "in", "match": {"target": ["outside", "init", "all"]}, "action": "deny"}]})";
constexpr const char* kBlocksDeny = R"({"name": "b", "default": "allow", "record": "denied",
  "rules": [{"name": "keep-term", "match": {"blocks": ["SIGTERM"]}, "action": "deny"}]})";
constexpr const char* kHandlerLog = R"({"name": "h", "default": "allow", "record": "denied",
  "rules": [{"name": "ign", "match": {"syscall": "rt_sigaction", "sig": "SIGTERM",
  "handler": "ignore"}, "action": "log"}]})";
constexpr const char* kHandlerLogAll = R"({"name": "h", "default": "allow", "record": "all",
  "rules": [{"name": "ign", "match": {"handler": "ignore"}, "action": "log"}]})";
constexpr const char* kStackDeny = R"({"name": "s", "default": "allow", "record": "denied",
  "rules": [{"name": "no-stack", "match": {"syscall": ["stack"]}, "action": "deny"}]})";
constexpr const char* kMaskDenyAll = R"({"name": "m", "default": "allow", "record": "all",
  "rules": [{"name": "no-mask", "match": {"syscall": "rt_sigprocmask"}, "action": "deny"}]})";
constexpr const char* kCommKill = R"({"name": "c", "default": "allow", "record": "denied",
  "rules": [{"name": "evil", "match": {"comm": "evil*"}, "action": "kill"}]})";
constexpr const char* kDefaultDeny = R"({"name": "dd", "default": "deny", "record": "denied",
  "rules": [{"name": "sends", "match": {"syscall": "send"}, "action": "allow"}]})";
constexpr const char* kDefaultLog = R"({"name": "dl", "default": "log", "record": "denied"})";
constexpr const char* kSigAbort = R"({"name": "sa", "default": "allow", "record": "denied",
  "rules": [{"name": "usr1", "match": {"sig": "SIGUSR1"}, "action": "abort"}]})";
constexpr const char* kCodeDeny = R"({"name": "cd", "default": "allow", "record": "denied",
  "rules": [{"name": "queue", "match": {"code": "SI_QUEUE"}, "action": "deny"}]})";
// First match wins, so the deny never decides rt_sigaction: the plan still routes it (an
// upper bound is enough; a tighter one would have to follow the rules' order).
constexpr const char* kAllowShadows = R"({"name": "as", "default": "allow", "record": "denied",
  "rules": [{"name": "all-actions", "match": {"syscall": "rt_sigaction"}, "action": "allow"},
            {"name": "no-ignore", "match": {"handler": "ignore"}, "action": "deny"}]})";
constexpr const char* kAllowOnly = R"({"name": "ao", "default": "allow", "record": "denied",
  "rules": [{"name": "quiet", "match": {"syscall": ["mask", "action"]}, "action": "allow"}]})";
constexpr const char* kSigreturnDeny = R"({"name": "sr", "default": "allow", "record": "denied",
  "rules": [{"name": "r", "match": {"syscall": "rt_sigreturn"}, "action": "deny"}]})";

struct PlanCase {
  const char* what;
  const char* policy;
  const char* printed;  // -e trace=SET as the run uses it (main.cc empties it under -c alone)
  const char* results;  // --results=SET; "none" without --results
  bool summary;         // -c
  const char* notify;   // want
  const char* trace;    // want
};

void PrintTo(const PlanCase& c, std::ostream* os) {
  *os << c.what;
}

const PlanCase kCases[] = {
    // The built-in policy (allow, record everything): what is printed is routed.
    {"default routes every signal syscall but rt_sigreturn", kTrace, "all", "none", false,
     "!rt_sigreturn", "none"},
    {"results all traces everything", kTrace, "all", "all", false, "none", "all"},
    {"results one syscall traces it alone", kTrace, "all", "rt_sigaction", false,
     "!rt_sigaction,rt_sigreturn", "rt_sigaction"},
    {"rt_sigreturn only through results", kTrace, "all", "rt_sigreturn", false, "!rt_sigreturn",
     "rt_sigreturn"},
    {"trace kill leaves all but targets in the kernel", kTrace, "kill", "none", false,
     "send,indirect,limit", "none"},
    {"trace mask adds rt_sigprocmask", kTrace, "mask", "none", false,
     "send,indirect,limit,rt_sigprocmask", "none"},
    {"trace none still routes targets", kTrace, "none", "none", false, "send,indirect,limit",
     "none"},
    {"trace not action", kTrace, "!action", "none", false, "!rt_sigaction,rt_sigreturn", "none"},
    {"trace kill with results all traces only what is needed", kTrace, "kill", "all", false, "none",
     "send,indirect,limit"},
    {"results route nothing by themselves", kTrace, "kill", "rt_sigaction", false,
     "send,indirect,limit", "none"},
    {"trace rt_sigreturn with results", kTrace, "rt_sigreturn", "all", false, "none",
     "send,indirect,limit,rt_sigreturn"},
    // -c counts every call, printed or not.
    {"summary counts every call", kTrace, "none", "none", true, "!rt_sigreturn", "none"},
    {"summary with results traces every call", kTrace, "none", "all", true, "none", "all"},
    {"summary trace kill results kill", kTrace, "kill", "kill", true, "!kill,rt_sigreturn", "kill"},
    // "record": "denied" with rules on targets only: only the target families (pgrp by its
    // target rules).
    {"denials only routes targets only", kDenialsOnly, "all", "none", false,
     "send,indirect,limit,pgrp", "none"},
    {"denials only with results traces targets", kDenialsOnly, "all", "all", false, "none",
     "send,indirect,limit,pgrp"},
    {"denials only with results rt_sigaction", kDenialsOnly, "all", "rt_sigaction", false,
     "send,indirect,limit,pgrp", "none"},
    {"denials only with summary counts every call", kDenialsOnly, "all", "none", true,
     "!rt_sigreturn", "none"},
    {"denials only trace none", kDenialsOnly, "none", "none", false, "send,indirect,limit,pgrp",
     "none"},
    {"denials only trace rt_sigreturn results all", kDenialsOnly, "rt_sigreturn", "all", false,
     "none", "send,indirect,limit,pgrp"},
    // Rules: what their keys can match.
    {"blocks rule adds rt_sigprocmask", kBlocksDeny, "all", "none", false,
     "send,indirect,limit,rt_sigprocmask", "none"},
    {"blocks rule polices unprinted calls", kBlocksDeny, "none", "none", false,
     "send,indirect,limit,rt_sigprocmask", "none"},
    {"handler log rule adds rt_sigaction", kHandlerLog, "all", "none", false,
     "send,indirect,limit,rt_sigaction", "none"},
    {"handler log rule unprinted is no event", kHandlerLog, "kill", "none", false,
     "send,indirect,limit", "none"},
    {"log rule record all trace none", kHandlerLogAll, "none", "none", false, "send,indirect,limit",
     "none"},
    {"log rule record all trace action", kHandlerLogAll, "action", "none", false,
     "send,indirect,limit,rt_sigaction", "none"},
    {"stack family rule", kStackDeny, "all", "none", false, "send,indirect,limit,sigaltstack",
     "none"},
    {"refusals recorded even unprinted", kMaskDenyAll, "kill", "none", false,
     "send,indirect,limit,rt_sigprocmask", "none"},
    {"comm rule concerns every syscall", kCommKill, "none", "none", false, "!rt_sigreturn", "none"},
    {"comm rule with results", kCommKill, "none", "all", false, "none", "!rt_sigreturn"},
    {"default deny concerns every syscall", kDefaultDeny, "none", "none", false, "!rt_sigreturn",
     "none"},
    {"default log printed", kDefaultLog, "all", "none", false, "!rt_sigreturn", "none"},
    {"default log unprinted", kDefaultLog, "none", "none", false, "send,indirect,limit", "none"},
    {"sig rule adds syscalls with a signal", kSigAbort, "none", "none", false,
     "send,indirect,limit,rt_sigaction", "none"},
    {"code rule is the send family", kCodeDeny, "all", "none", false, "send,indirect,limit",
     "none"},
    {"allow before deny upper bound", kAllowShadows, "all", "none", false,
     "send,indirect,limit,rt_sigaction", "none"},
    {"allow rules route nothing", kAllowOnly, "all", "none", false, "send,indirect,limit", "none"},
    {"rt_sigreturn is never decided", kSigreturnDeny, "all", "all", false, "none",
     "send,indirect,limit"},
};

class PlanFilter : public testing::TestWithParam<PlanCase> {};

TEST_P(PlanFilter, RoutesWhatTheRunNeeds) {
  const PlanCase& c = GetParam();
  const Policy p = policy_of(c.policy);
  const FilterSpec f = plan_filter(inputs(p, set_of(c.printed), set_of(c.results), c.summary));
  EXPECT_EQ(names(f.notify), names(set_of(c.notify)));
  EXPECT_EQ(names(f.trace), names(set_of(c.trace)));
}

INSTANTIATE_TEST_SUITE_P(Table, PlanFilter, testing::ValuesIn(kCases), test::CaseName());

// The plan's promises (filter_plan.h) over a grid of every option and the policies above.
TEST(PlanFilterGrid, KeepsItsPromises) {
  const char* policies[] = {kTrace,     kDenialsOnly, kBlocksDeny,   kHandlerLog,  kHandlerLogAll,
                            kStackDeny, kMaskDenyAll, kCommKill,     kDefaultDeny, kDefaultLog,
                            kSigAbort,  kCodeDeny,    kAllowShadows, kAllowOnly,   kSigreturnDeny};
  const char* sets[] = {"all",    "none",  "kill",         "mask",
                        "action", "!send", "rt_sigreturn", "wait,fd"};
  int combos = 0;
  for (const char* json : policies) {
    const Policy p = policy_of(json);
    const CallActions a = p.call_actions();
    for (const char* printed_s : sets) {
      for (const char* results_s : sets) {
        for (bool summary : {false, true}) {
          const SysSet printed = set_of(printed_s), results = set_of(results_s);
          const FilterSpec f = plan_filter(inputs(p, printed, results, summary));
          const SysSet routed = f.notify | f.trace;
          SCOPED_TRACE(std::string(json ? json : "builtin") + " printed=" + printed_s +
                       " results=" + results_s + (summary ? " -c" : ""));
          ++combos;
          // The kernel's user notification outranks SECCOMP_RET_TRACE: disjoint sets.
          EXPECT_TRUE((f.notify & f.trace).none());
          EXPECT_EQ(f.trace & ~results, SysSet());
          EXPECT_EQ(kTargets & ~routed, SysSet()) << "a target-carrying call left unseen";
          EXPECT_FALSE(f.notify.test(kSigreturn));
          if (summary) EXPECT_EQ(names(routed | set_of("rt_sigreturn")), names(set_of("all")));
          // Nothing is lost: a syscall left in the kernel has nothing to record or police.
          for (std::size_t i = 0; i < kSysCount; ++i) {
            if (routed.test(i)) continue;
            SCOPED_TRACE(spec(static_cast<Sys>(i)).name);
            if (i == kSigreturn) {  // shown only through --results, never decided
              const bool shown = summary || (printed.test(i) && p.record() == Record::all);
              EXPECT_FALSE(results.test(i) && shown);
              continue;
            }
            EXPECT_FALSE(summary);
            EXPECT_FALSE(a.may_refuse.test(i));
            EXPECT_FALSE(a.may_log.test(i) && printed.test(i));
            EXPECT_FALSE(printed.test(i) && p.record() == Record::all);
          }
          // Nothing is wasted: every routed syscall has a reason.
          for (std::size_t i = 0; i < kSysCount; ++i) {
            if (!routed.test(i) || kTargets.test(i) || summary) continue;
            SCOPED_TRACE(spec(static_cast<Sys>(i)).name);
            const bool event = printed.test(i) && (p.record() == Record::all || a.may_log.test(i));
            EXPECT_TRUE(event || (i != kSigreturn && a.may_refuse.test(i)));
          }
          // More printed never routes less.
          const FilterSpec all = plan_filter(inputs(p, set_of("all"), results, summary));
          EXPECT_EQ(routed & ~(all.notify | all.trace), SysSet());
        }
      }
    }
  }
  EXPECT_EQ(combos, 15 * 8 * 8 * 2);
}

// Calls of a syscall without a target that a rule's keys could match: a few signals in the
// signal argument, SIG_BLOCK and SIG_SETMASK, every pointer set but its memory unread (a
// memory key then matches: fail closed), and two caller names.
std::vector<CallData> samples(Sys s) {
  const SyscallSpec& sp = spec(s);
  std::vector<CallData> out;
  for (int sig : {0, SIGINT, SIGKILL, SIGUSR1, SIGTERM, SIGRTMIN, 64}) {
    for (int how : {SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK}) {
      CallData c;
      c.sys = s;
      for (int i = 0; i < sp.nargs; ++i) {
        const Arg a = sp.args[i];
        if (a == Arg::sig) c.regs[i] = static_cast<uint64_t>(sig);
        if (a == Arg::how) c.regs[i] = static_cast<uint64_t>(how);
        if (a == Arg::size) c.regs[i] = 8;
        if (is_in_pointer(a) || is_out_pointer(a)) c.regs[i] = 0x10000;
      }
      out.push_back(c);
    }
  }
  return out;
}

struct Reached {
  SysSet refused, logged;
};

// What the matcher decides over samples() of every syscall without a target.
Reached decided(const Policy& p) {
  Reached r;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const auto s = static_cast<Sys>(i);
    if (has_target(spec(s).family) || s == Sys::rt_sigreturn) continue;
    for (const CallData& call : samples(s)) {
      for (const char* comm : {"test", "evil-1"}) {
        CallContext ctx{&call, 100, 100, comm, "/usr/bin/test", nullptr};
        const Action a = p.decide(ctx).action;
        if (a == Action::deny || a == Action::kill || a == Action::abort) r.refused.set(i);
        if (a == Action::log) r.logged.set(i);
      }
    }
  }
  return r;
}

struct MatcherCase {
  const char* what;
  const char* policy;
  bool tight;  // every syscall call_actions() names has a sample the matcher so decides
};

void PrintTo(const MatcherCase& c, std::ostream* os) {
  *os << c.what;
}

const MatcherCase kMatcherCases[] = {
    {"trace", kTrace, true},
    {"denials only", kDenialsOnly, true},
    {"blocks deny", kBlocksDeny, true},
    {"handler log", kHandlerLog, true},
    {"handler log record all", kHandlerLogAll, true},
    {"stack deny", kStackDeny, true},
    {"mask deny", kMaskDenyAll, true},
    {"comm kill", kCommKill, true},
    {"default deny", kDefaultDeny, true},
    {"default log", kDefaultLog, true},
    {"sig abort", kSigAbort, true},
    {"code deny", kCodeDeny, true},
    {"allow shadows a deny", kAllowShadows, false},
    {"allow only", kAllowOnly, true},
};

class CallActionsMatcher : public testing::TestWithParam<MatcherCase> {};

TEST_P(CallActionsMatcher, BoundsWhatTheMatcherDecides) {
  const MatcherCase& c = GetParam();
  const Policy p = policy_of(c.policy);
  const CallActions a = p.call_actions();
  const Reached r = decided(p);
  // Sound: the matcher never refuses or logs a syscall the bound leaves out.
  EXPECT_EQ(names(r.refused & ~a.may_refuse), "none");
  EXPECT_EQ(names(r.logged & ~a.may_log), "none");
  if (!c.tight) return;
  // Not vacuous: the samples reach every syscall the bound names (without a target).
  SysSet checked = ~set_of("send,indirect,limit,pgrp");  // samples() skips target carriers
  checked.reset(kSigreturn);
  EXPECT_EQ(names(a.may_refuse & checked), names(r.refused));
  EXPECT_EQ(names(a.may_log & checked), names(r.logged));
}

INSTANTIATE_TEST_SUITE_P(Policies, CallActionsMatcher, testing::ValuesIn(kMatcherCases),
                         test::CaseName());

// The shipped policies: ci-denials is the denials-only policy CI runs pay sends for; the
// others record everything, so everything printed is routed.
TEST(PlanFilterShipped, CiDenialsRoutesOnlyTargets) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(SIGVISOR_SOURCE_DIR) / "policies";
  auto load = [&](const char* name) {
    auto p = Policy::load_file(dir / name);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? std::move(*p) : Policy::trace_all();
  };
  const SysSet all = set_of("all");
  const Policy denials = load("ci-denials.json");
  EXPECT_EQ(denials.record(), Record::denied);
  FilterSpec f = plan_filter(inputs(denials, all, SysSet(), false));
  // Its target rules cover setpgid too (the pgrp family): routed by them.
  EXPECT_EQ(names(f.notify), names(kTargets | set_of("setpgid")));
  EXPECT_FALSE(f.notify.test(static_cast<std::size_t>(Sys::rt_sigaction)));
  EXPECT_FALSE(f.notify.test(static_cast<std::size_t>(Sys::rt_sigprocmask)));
  for (const char* name : {"trace.json", "ci-isolation.json", "untrusted.json"}) {
    f = plan_filter(inputs(load(name), all, SysSet(), false));
    EXPECT_EQ(names(f.notify), names(set_of("!rt_sigreturn"))) << name;
  }
}

TEST(DescribeFilter, NamesBothSets) {
  FilterSpec f;
  f.notify = set_of("kill,tkill");
  EXPECT_EQ(describe_filter(f), "notify kill,tkill; trace none");
  f.trace = set_of("rt_sigaction");
  EXPECT_EQ(describe_filter(f), "notify kill,tkill; trace rt_sigaction");
}

}  // namespace
}  // namespace sigvisor
