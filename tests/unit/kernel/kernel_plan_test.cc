// plan_kernel and bpf_sys_rules (engine/kernel/kernel_plan.h): what the kernel engine routes
// to sigvisor for a decision and what its BPF programs record, for each option and policy;
// the rules the programs copy pointer arguments by, against the notify engine's reads.
#include "engine/kernel/kernel_plan.h"
#include "kernel/registers.h"
#include "kernel/syscall_arch.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>

#include <string>

#include "../sys_sets.h"
#include "cli/trace_set.h"
#include "policy/policy.h"

namespace sigvisor {
namespace {

using test::names;
using test::set_of;
using test::SysSet;

FilterInputs inputs(const Policy& p, const SysSet& printed, bool summary = false,
                    const SysSet& results = {}) {
  FilterInputs in;
  in.printed = printed;
  in.results = results;
  in.summary = summary;
  in.record = p.record();
  in.policy = p.call_actions();
  return in;
}

Policy load(const char* json) {
  auto p = Policy::load_string(json, "test.json");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? std::move(*p) : Policy::trace_all();
}

TEST(KernelPlan, TraceAllDecidesTargetsAndRecordsTheRest) {
  const Policy p = Policy::trace_all();
  const KernelPlan plan = plan_kernel(inputs(p, set_of("all")));
  EXPECT_EQ(names(plan.filter.notify), names(set_of("send,indirect,limit")));
  EXPECT_TRUE(plan.filter.trace.none());
  // Everything printed that is not decided, but rt_sigreturn (only with --results).
  EXPECT_EQ(names(plan.recorded), names(set_of("mask,action,wait,fd,stack,pgrp")));
  EXPECT_TRUE((plan.recorded & plan.filter.notify).none());
}

TEST(KernelPlan, RtSigreturnIsRecordedOnlyWithResults) {
  const Policy p = Policy::trace_all();
  const SysSet all = set_of("all");
  EXPECT_FALSE(
      plan_kernel(inputs(p, all)).recorded.test(static_cast<std::size_t>(Sys::rt_sigreturn)));
  EXPECT_TRUE(plan_kernel(inputs(p, all, false, set_of("rt_sigreturn")))
                  .recorded.test(static_cast<std::size_t>(Sys::rt_sigreturn)));
}

TEST(KernelPlan, WhatARuleMayRefuseIsDecidedNotRecorded) {
  const Policy p = load(R"({"name": "p", "default": "allow", "rules": [
      {"name": "no-blocking-term", "match": {"syscall": "rt_sigprocmask", "blocks": "TERM"},
       "action": "deny"}]})");
  const KernelPlan plan = plan_kernel(inputs(p, set_of("all")));
  EXPECT_TRUE(plan.filter.notify.test(static_cast<std::size_t>(Sys::rt_sigprocmask)));
  EXPECT_FALSE(plan.recorded.test(static_cast<std::size_t>(Sys::rt_sigprocmask)));
}

TEST(KernelPlan, ALogRuleNeedsNoRouting) {
  const Policy p = load(R"({"name": "p", "default": "allow", "rules": [
      {"name": "watch", "match": {"syscall": "rt_sigaction", "handler": "ignore"},
       "action": "log"}]})");
  const KernelPlan plan = plan_kernel(inputs(p, set_of("all")));
  EXPECT_FALSE(plan.filter.notify.test(static_cast<std::size_t>(Sys::rt_sigaction)));
  EXPECT_TRUE(plan.recorded.test(static_cast<std::size_t>(Sys::rt_sigaction)));
}

TEST(KernelPlan, DeniedOnlyRecordsNothingInTheKernel) {
  const Policy p = load(R"({"name": "p", "default": "allow", "record": "denied"})");
  EXPECT_TRUE(plan_kernel(inputs(p, set_of("all"))).recorded.none());
}

TEST(KernelPlan, SummaryRecordsEveryUndecidedCall) {
  const Policy p = Policy::trace_all();
  const KernelPlan plan = plan_kernel(inputs(p, SysSet(), true));
  EXPECT_EQ(names(plan.recorded), names(set_of("mask,action,wait,fd,stack,pgrp")));
  // The decided calls come back too: -c counts their errors.
  EXPECT_EQ(names(plan.completed), names(plan.filter.notify));
}

TEST(KernelPlan, DecidedCallsComeBackOnlyWhenShownOrCounted) {
  const Policy p = Policy::trace_all();
  const KernelPlan plan = plan_kernel(inputs(p, set_of("kill")));
  EXPECT_EQ(names(plan.completed), names(set_of("kill")));
}

TEST(KernelPlan, RtSigreturnReadsItsMaskFromTheSignalFrame) {
  const auto rules = bpf_sys_rules(set_of("rt_sigreturn"));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].rule.frame_mask_offset, sigreturn_mask_offset(ArchMap::native_arch()));
}

TEST(KernelPlan, NothingPrintedNothingRecorded) {
  const Policy p = Policy::trace_all();
  EXPECT_TRUE(plan_kernel(inputs(p, set_of("none"))).recorded.none());
}

const sv_sys_rule* rule_for(const std::vector<NumberedRule>& rules, long nr) {
  for (const auto& r : rules) {
    if (static_cast<long>(r.nr) == nr) return &r.rule;
  }
  return nullptr;
}

TEST(KernelPlan, PointerRulesFollowTheNotifyEnginesReads) {
  const auto rules = bpf_sys_rules(set_of("mask,action,wait,stack"));
  const sv_sys_rule* mask = rule_for(rules, SYS_rt_sigprocmask);
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->record, 1);
  EXPECT_EQ(mask->args[0].dir, SV_PTR_NONE);  // how
  EXPECT_EQ(mask->args[1].dir, SV_PTR_IN);    // set: sigsetsize bytes, at most 128
  EXPECT_EQ(mask->args[1].size_arg, 3);
  EXPECT_EQ(mask->args[1].size, SV_PTR_BYTES);
  EXPECT_EQ(mask->args[2].dir, SV_PTR_OUT);  // oldset
  const sv_sys_rule* act = rule_for(rules, SYS_rt_sigaction);
  ASSERT_NE(act, nullptr);
  EXPECT_EQ(act->args[1].dir, SV_PTR_IN);
  EXPECT_EQ(act->args[1].size, 32);
  EXPECT_EQ(act->args[2].dir, SV_PTR_OUT);
  const sv_sys_rule* wait = rule_for(rules, SYS_rt_sigtimedwait);
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->args[1].dir, SV_PTR_OUT);  // siginfo
  EXPECT_EQ(wait->args[1].size, 128);
  EXPECT_EQ(wait->args[2].dir, SV_PTR_IN);  // timeout
  EXPECT_EQ(wait->args[2].size, 16);
  const sv_sys_rule* stack = rule_for(rules, SYS_sigaltstack);
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->args[0].size, 24);
  EXPECT_EQ(rule_for(rules, SYS_kill), nullptr);  // not in the set
}

TEST(KernelPlan, NoSyscallHasMorePointersThanARecordHolds) {
  SysSet all;
  all.set();
  for (const NumberedRule& r : bpf_sys_rules(all)) {
    int pointers = 0;
    for (const auto& a : r.rule.args) pointers += a.dir != SV_PTR_NONE;
    EXPECT_LE(pointers, SV_MAX_PTRS) << r.nr;
  }
}

}  // namespace
}  // namespace sigvisor
