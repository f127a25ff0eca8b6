// See call_decision.h.
#include "calls/call_decision.h"

#include <cerrno>
#include <csignal>
#include <utility>

namespace sigvisor {
namespace {
constexpr std::string_view kProtectRule = "protect-supervisor";
constexpr std::string_view kInvalidRule = "invalid-target";
}  // namespace

Decision decide_call(const CallContext& ctx, const RunState& sv) {
  // A call the kernel rejects on its arguments (scope `invalid`, tasks/invalid_calls.h)
  // gets the kernel's own errno under every policy: it can hit nobody, and a refusal with
  // EPERM would tell the program something the kernel never says. Register-only reasons
  // go to the kernel. An fd that is no pidfd is answered here (EBADF, built-in rule
  // "invalid-target"): another thread could dup2 a real pidfd over it before the kernel
  // looks — so that answer is racy, as every decision on an fd-resolved target is. A
  // policy may only log such calls.
  if (ctx.target != nullptr && ctx.target->scope == Scope::invalid) {
    if (ctx.target->own_errno != 0) {
      return Decision{Action::deny, ctx.target->own_errno, kInvalidRule, /*racy=*/true};
    }
    Decision logged = sv.policy.decide(ctx);
    return logged.action == Action::log ? logged : Decision{};
  }
  Decision d = sv.policy.decide(ctx);
  // The policy's own refusal keeps its rule name; only what it would let through to the
  // supervisor (or to everyone, the supervisor included) is refused by the built-in rule.
  // Joining sigvisor's group (pgrp family) reaches nobody by itself — a signal to the
  // group afterwards is refused here — so only the policy's target rules police it.
  if (!is_refusal(d.action) && ctx.target != nullptr &&
      spec(ctx.call->sys).family != Family::pgrp &&
      (ctx.target->scope == Scope::supervisor || ctx.target->scope == Scope::all)) {
    return Decision{Action::deny, EPERM, kProtectRule, d.racy};
  }
  if (is_refusal(d.action) && d.err == 0) d.err = EPERM;
  // Refusing a signal to a pid that does not exist answers what the kernel would have:
  // ESRCH. EPERM would tell `kill -0 PID` loops that the process is alive, forever.
  if (is_refusal(d.action) && ctx.target != nullptr && ctx.target->scope == Scope::outside &&
      !ctx.target->exists && ctx.target->pid > 0) {
    d.err = ESRCH;
  }
  return d;
}

void record_call(SyscallEvent& ev, const Decision& d, RunState& sv) {
  const CallData& call = ev.call;
  auto& counters = sv.counters[static_cast<std::size_t>(call.sys)];
  counters.calls.fetch_add(1, std::memory_order_relaxed);
  const bool refused = is_refusal(d.action);
  if (refused) {
    counters.denied.fetch_add(1, std::memory_order_relaxed);
    sv.backstop.refused(ev);  // said once, where the kernel would not have refused it
  }
  if (call.retval && *call.retval < 0 && *call.retval >= -4095) {
    counters.errors.fetch_add(1, std::memory_order_relaxed);
  }
  if (!refused && ev.target && ev.target->pid > 0 && signal_of(call) == SIGKILL) {
    // SIGKILL has no delivery stop: remember the sender so the victim's death names it.
    if (auto caller = sv.table.find(ev.caller.tid)) sv.table.note_sigkill(*ev.target, *caller);
  }
  if (!refused && spec(call.sys).family == Family::send) {
    // A caller-written siginfo: its delivery stop will compare the claim with this caller.
    if (auto claim = claim_of(ev)) sv.claims.add(*claim);
  }
  // "record": "denied" keeps only what was not allowed.
  const bool recorded =
      (sv.printed.test(static_cast<std::size_t>(call.sys)) || refused) && sv.policy.records(d);
  ev.action = d.action;
  ev.rule = d.rule;
  ev.racy = d.racy;
  if (!refused && sv.results != nullptr && sv.results->await_result(ev, recorded)) return;
  if (!recorded) return;
  sv.record(std::as_const(ev));  // the one copy of the ~1 KB event: into the queue
}

void enforce(const Decision& d, pid_t caller_tgid, RunState& sv) {
  if (d.action == Action::kill) {
    sv.tree.kill_process(caller_tgid);
  } else if (d.action == Action::abort) {
    sv.end_run(kAbortExitStatus);
  }
}

}  // namespace sigvisor
