// What the launch filter routes, from what the run was asked for: a syscall that neither
// an output, the -c table, a policy rule nor sigvisor's own guarantees need stays in the
// kernel at native speed (the filter allows it). A pure function of plain inputs, so that
// every option's consequence for the filter is a row in a unit test
// (tests/unit/filter_plan_test.cc) and in docs/design-decisions.md ("What the filter
// routes").
#pragma once

#include <bitset>
#include <string>

#include "kernel/seccomp_filter.h"
#include "names/syscall_table.h"
#include "policy/policy.h"
#include "run/run_options.h"

namespace sigvisor {

struct FilterInputs {
  // The syscalls whose calls become events in an output (-e trace=SET; empty under -c
  // when no JSON output asks for events).
  std::bitset<kSysCount> printed;
  // --results=SET: the routed ones among them go through ptrace, with their results. It
  // says how a call is routed, not whether: a call nothing records or polices is not
  // routed to learn a result nobody sees.
  std::bitset<kSysCount> results;
  bool summary = false;         // -c: the table counts every call
  Record record = Record::all;  // the policy's "record"
  CallActions policy;           // what the policy's rules can decide, per syscall
};

// The syscalls to route (notify; trace for those in `results`), the two sets disjoint:
// - the send, indirect and limit families, always: they carry a target, and the built-in
//   protection of sigvisor (and of everyone, kill(-1)) applies under every policy; the
//   kill family's calls are also the evidence delivery stops name senders from (claims,
//   SIGKILL senders);
// - with -c, every syscall (rt_sigreturn only with --results, as it ends every handler);
// - with "record": "all", every printed syscall;
// - whatever a rule (or the default) can deny, kill or abort, printed or not;
// - whatever a rule (or the default) can log, when printed (a log is only an event).
// rt_sigreturn is never decided by the policy: it is routed only through --results, for
// an output or -c that shows it.
FilterSpec plan_filter(const FilterInputs& in);

// What the filter is planned from, as the options ask: the outputs' syscall set, -c,
// --results and the policy.
FilterInputs filter_inputs(const SupervisorOptions& opts);

// "notify kill,tkill,...; trace none": for the debug trace (SIGVISOR_DEBUG=1).
std::string describe_filter(const FilterSpec& f);

}  // namespace sigvisor
