// See sender_attribution.h.
#include "supervise/sender_attribution.h"

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

void SenderAttribution::identify(SignalEvent& ev, const siginfo_t& si, pid_t receiver,
                                 double stop_time) const {
  ev.sender_scope = Scope::kernel;
  if (caller_written_code(si.si_code)) {
    ClaimedFields delivered = claimed_fields(ev.info.data());
    if (auto claim = take_claim(receiver, ev.sig, delivered)) {
      ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
      ev.claim_checked = true;
      ev.forged = is_forged(*claim);
      ev.sender = claim->caller;
      ev.sender_known = true;
      ev.sender_uid = claim->caller_uid;
      ev.sender_scope = claim->caller.pid == receiver ? Scope::self : Scope::sandbox;
      return;
    }
    if (kernel_made_code(si.si_code)) return;
    if (si.si_code != SI_MESGQ) {
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
  if (si.si_code > 0 || si.si_pid <= 0) return;  // the kernel (SI_KERNEL, faults, SIGCHLD…)
  pid_t sender = si.si_pid;
  ProcRef s{sender, sender, {}};
  ev.sender_uid = si.si_uid;
  if (auto c = table_.remembered_comm(sender)) {
    s.comm = *c;
    ev.sender_known = true;
    ev.sender_scope = sender == receiver ? Scope::self : Scope::sandbox;
  } else {
    ev.sender_scope = sender == supervisor_pid_ ? Scope::supervisor : Scope::outside;
    if (auto c2 = kernel_.comm_if_started_before(sender, stop_time)) {
      s.comm = *c2;
      ev.sender_known = true;
    }
  }
  ev.sender = s;
}

}  // namespace sigvisor
