// See delivery_stops.h.
#include "engine/notify/delivery_stops.h"

#include <unistd.h>

#include <cstring>

#include "calls/call_pipeline.h"
#include "engine/notify/interrupted_call.h"

namespace sigvisor {
namespace {

// The interrupted wait already has its result: nothing to answer. A refusal cannot be
// applied to a call that did not run (it returns EINTR either way); the event still says
// what the policy decided, and kill and abort are enforced.
class AlreadyAnsweredPort final : public CallPort {
 public:
  bool still_pending() override { return true; }
  bool answer(const Decision&) override { return true; }
};

// A copy of a request passed on by sigvisor (copy_ledger.h): the signal sigvisor
// forwards, sent with kill() by sigvisor or directly by a process outside the tree.
// Whether it is the second copy of its request this process gets.
bool duplicate_copy(RunState& sv, const siginfo_t& si, pid_t receiver) {
  if (!witnessed_signal(si.si_signo) || (si.si_code != SI_USER && si.si_code != SI_TKILL)) {
    return false;
  }
  const bool from_supervisor = si.si_pid == getpid();
  if (!from_supervisor && sv.table.find(si.si_pid)) return false;  // the tree's own
  return !sv.copies.first_copy(receiver, si.si_signo, from_supervisor, si.si_pid,
                               monotonic_seconds());
}

}  // namespace

void DeliveryStops::record_interrupted_wait(pid_t tid, const CallData& call) {
  PreparedCall p;
  p.ev.call = call;
  AlreadyAnsweredPort port;
  prepare_call(tid, p, port, c_.sv);
  conclude_call(p, port, c_.sv);
}

Restart DeliveryStops::on_delivery(const Stop& s) {
  RunState& sv = c_.sv;
  const pid_t pid = s.pid;
  const int sig = s.sig;
  if (auto wait = repair_aborted_notification(pid, c_.arch)) record_interrupted_wait(pid, *wait);
  siginfo_t si;
  if (!c_.ops.siginfo(pid, si)) return {Resume::cont, sig};
  const double stop_time = sv.kernel.boottime_now();
  TaskInfo task = sv.task(pid);
  // The receiver is stopped: its name now is its name for this event. prctl(PR_SET_NAME)
  // and writes to /proc/TID/comm pass through neither ptrace nor the filter, so the
  // table's name may be stale; later events of the notify path get the fresh one too.
  if (auto c = sv.kernel.comm_if_started_before(pid, stop_time); c && *c != task.comm) {
    task.comm = *c;
    sv.table.set_comm(pid, *c);
  }
  SignalEvent ev;
  ev.task = ref_of(task);
  std::memcpy(ev.info.data(), &si, sizeof si < ev.info.size() ? sizeof si : ev.info.size());
  ev.sig = sig;
  ev.code = si.si_code;
  senders_.identify(ev, si, task.tgid, stop_time);
  if (duplicate_copy(sv, si, task.tgid)) {
    ev.suppressed = true;
    ev.rule = kOneRequestRule;
    sv.record(std::move(ev));
    return {Resume::cont, 0};
  }
  const std::string exe = sv.exe_for_policy(task.tgid);
  DeliveryContext ctx{sig, si.si_code, ev.sender_scope, task.tgid, comm_view(task.comm), exe};
  Decision d = sv.policy.decide_delivery(ctx);
  ev.suppressed = d.action == Action::deny;
  ev.rule = d.rule;
  const bool suppressed = ev.suppressed;
  if (sv.policy.records(d)) sv.record(std::move(ev));
  return {Resume::cont, suppressed ? 0 : sig};
}

}  // namespace sigvisor
