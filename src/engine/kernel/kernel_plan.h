// What the kernel engine does with each signal syscall, from what the run was asked for
// (the same inputs as the notify engine's filter plan, calls/filter_plan.h): the calls the
// policy must decide go to sigvisor through seccomp user notification; the others that an
// output or -c needs are recorded by the BPF programs and never leave the kernel. Pure, so
// every option's consequence is a row in tests/unit/kernel_plan_test.cc.
#pragma once

#include <sys/types.h>

#include <bitset>
#include <cstdint>
#include <vector>

#include "calls/filter_plan.h"
#include "engine/kernel/kernel_records.h"
#include "names/syscall_table.h"

namespace sigvisor {

struct KernelPlan {
  FilterSpec filter;                // notify, notify_if_arg0: decided by sigvisor; no trace
  std::bitset<kSysCount> recorded;  // recorded in the kernel (never the decided ones)
  // Decided calls whose return the programs record too, to complete their events with the
  // result (result_join.h): those printed, and the guarded ones (recorded when unrouted).
  std::bitset<kSysCount> completed;
};

// The built-in protection of sigvisor on constants: a tgkill or rt_tgsigqueueinfo that no
// rule may refuse goes to sigvisor only when it names sigvisor's thread group; every other
// one is recorded in the kernel at native speed. Off (every send decided) when sigvisor
// has a pty session keeper, whose pid is not known when the filter is built.
struct ConstantGuard {
  bool enabled = false;
  pid_t supervisor = 0;
  pid_t supervisor_pgid = 0;
};

// - decided: the target-carrying families (kill, ..., F_SETOWN, prlimit64: the built-in
//   protection of sigvisor and of everyone applies under every policy) and whatever a rule
//   can deny, kill or abort — but tgkill and rt_tgsigqueueinfo only on `guard`'s
//   constants when no rule may refuse them;
// - recorded: what plan_filter() would route for an output or -c, less what is always
//   decided. A policy's `log` needs no routing here: the rule is matched on the record.
KernelPlan plan_kernel(const FilterInputs& in, const ConstantGuard& guard = {});

// The BPF side's table of rules for the recorded syscalls, by native number (the pointer
// arguments to copy, in or out, and their sizes: the notify engine's pointee_size()).
struct NumberedRule {
  uint32_t nr;
  sv_sys_rule rule;
};
std::vector<NumberedRule> bpf_sys_rules(const std::bitset<kSysCount>& recorded);
// bpf_sys_rules for what a plan has the programs see: recorded and completed calls.
std::vector<NumberedRule> bpf_sys_rules(const KernelPlan& plan);

}  // namespace sigvisor
