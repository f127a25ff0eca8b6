// See sender_attribution.h.
#include "engine/notify/sender_attribution.h"

#include "tasks/sender_scope.h"

namespace sigvisor {
namespace {

// Negative codes the kernel itself produces without a sender pid.
bool kernel_made_code(int code) {
  constexpr int kCodes[] = {SI_TIMER, SI_ASYNCIO, SI_SIGIO, -7 /* SI_DETHREAD */, SI_ASYNCNL};
  for (int c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

}  // namespace

std::optional<SenderClaim> SenderAttribution::take_claim(pid_t receiver, int sig,
                                                         const ClaimedFields& delivered) const {
  for (SenderEvidence* s : sources_) {
    if (auto c = s->take(receiver, sig, delivered)) return c;
  }
  return std::nullopt;
}

bool SenderAttribution::sources_complete() const {
  for (const SenderEvidence* s : sources_) {
    if (!s->complete()) return false;
  }
  return true;
}

void SenderAttribution::disagree(const SignalEvent& ev, pid_t ours, const WitnessedSend& w) const {
  if (diag_ == nullptr) return;
  diag_->debug(
      "kernel trace disagrees: sig %d code %d to %d: sender %d here, %d/%d (%s) in the trace",
      ev.sig, ev.code, static_cast<int>(ev.task.tid), static_cast<int>(ours),
      static_cast<int>(w.sender.pid), static_cast<int>(w.sender.tid),
      comm_view(w.sender.comm).data());
}

void SenderAttribution::from_claim(SignalEvent& ev, const SenderClaim& claim, pid_t receiver,
                                   const std::optional<WitnessedSend>& w) const {
  const ClaimedFields delivered = claimed_fields(ev.info.data());
  ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
  ev.claim_checked = true;
  ev.forged = is_forged(claim);
  ev.sender = claim.caller;
  ev.sender_known = true;
  ev.sender_tid_known = true;
  ev.sender_uid = claim.caller_uid;
  if (w && w->sender.tid == claim.caller.tid) {
    if (w->comm_known) ev.sender->comm = w->sender.comm;  // the name it had when it sent
  } else if (w) {
    disagree(ev, claim.caller.pid, *w);
  }
  ev.sender_scope = sender_scope(table_, supervisor_pid_, claim.caller.pid, claim.caller.tid,
                                 receiver, ev.task.tid);
}

bool SenderAttribution::from_witness(SignalEvent& ev, const WitnessedSend& w,
                                     pid_t receiver) const {
  if (w.sender.pid <= 0) return false;  // a thread whose process the kernel did not say
  const ClaimedFields delivered = claimed_fields(ev.info.data());
  ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
  ev.claim_checked = true;
  ev.forged = delivered.pid != w.sender.pid;
  ev.sender = w.sender;
  ev.sender_known = w.comm_known;
  ev.sender_tid_known = true;
  ev.sender_scope =
      sender_scope(table_, supervisor_pid_, w.sender.pid, w.sender.tid, receiver, ev.task.tid);
  return true;
}

void SenderAttribution::identify(SignalEvent& ev, const siginfo_t& si, pid_t receiver,
                                 double stop_time) const {
  ev.sender_scope = Scope::kernel;
  const pid_t tid = ev.task.tid != 0 ? ev.task.tid : receiver;
  // Taken for every delivery, used or not, so that it cannot be given to a later one.
  if (si.si_code > 0) {  // the kernel (SI_KERNEL, faults, SIGCHLD...): nobody to name
    if (witness_ != nullptr) witness_->drop_delivery(tid, receiver, ev.sig, si.si_code);
    return;
  }
  std::optional<WitnessedSend> w;
  if (witness_ != nullptr) {
    w = witness_->take_delivery(tid, receiver, ev.sig, si.si_code);
  }
  if (caller_written_code(si.si_code)) {
    ClaimedFields delivered = claimed_fields(ev.info.data());
    if (auto claim = take_claim(receiver, ev.sig, delivered)) {
      from_claim(ev, *claim, receiver, w);
      return;
    }
    if (kernel_made_code(si.si_code)) return;
    if (si.si_code != SI_MESGQ) {
      // The kernel saw who made the call: the claim is checked after all.
      if (w && from_witness(ev, *w, receiver)) return;
      // An unverified claim from outside the sandbox.
      ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
      ev.sender_scope = Scope::outside;
      if (delivered.pid > 0 && table_.remembered_comm(delivered.pid) && sources_complete()) {
        ev.forged = true;  // a sandbox process would have been intercepted
        return;
      }
      if (delivered.pid <= 0) return;
      ProcRef s{delivered.pid, delivered.pid, {}};
      if (auto c = kernel_.comm_if_started_before(delivered.pid, stop_time)) {
        s.comm = *c;
        ev.sender_known = true;
      }
      if (delivered.pid == supervisor_pid_) ev.sender_scope = Scope::supervisor;
      ev.sender = s;
      return;
    }
  }
  if (si.si_pid <= 0) return;
  pid_t sender = si.si_pid;
  ProcRef s{sender, sender, {}};
  ev.sender_uid = si.si_uid;
  if (w && w->sender.pid == sender) {
    s.tid = w->sender.tid;
    ev.sender_tid_known = true;
    if (w->comm_known) {
      s.comm = w->sender.comm;  // the sending thread's name when it sent
      ev.sender_known = true;
    }
  } else if (w) {
    disagree(ev, sender, *w);
  }
  // Otherwise a live sender's name now (it may have renamed itself since the table
  // learnt its name), else the table's for one that has exited.
  if (!ev.sender_known) {
    if (auto c = kernel_.comm_if_started_before(sender, stop_time)) {
      s.comm = *c;
      ev.sender_known = true;
    } else if (auto c2 = table_.remembered_comm(sender)) {
      s.comm = *c2;
      ev.sender_known = true;
    }
  }
  ev.sender_scope = sender_scope(table_, supervisor_pid_, sender, ev.sender_tid_known ? s.tid : 0,
                                 receiver, ev.task.tid);
  ev.sender = s;
}

}  // namespace sigvisor
