// Who sent the signal a task is about to receive, as far as the kernel lets us know it,
// from an ordered list of evidence sources and the task table:
// - SI_USER, SI_TKILL (and SI_MESGQ with no matching call): the kernel wrote si_pid, so the
//   pid is exact. A sandbox pid (live, or exited and remembered) is named from the table.
//   Any other pid is outside: its name is read from /proc at the stop, and rejected
//   ("unknown") when the process holding that pid started after this stop — the sender
//   has exited and its pid was reused. A reuse between the send and this stop cannot be
//   seen (the kernel keeps no queue time we could read): then the name is a best effort
//   while the pid stays exact.
// - other codes < 0 (SI_QUEUE, ...): si_pid/si_uid were written by the caller, a claim.
//   A matching intercepted call (the evidence sources, in order) names the true sender
//   and decides `forged`. Every such call from the sandbox is intercepted, so with no
//   match the sender is outside and unverified: it is reported as the claimed pid,
//   narrowed to scope outside; claiming a sandbox process is then a lie (forged) unless a
//   source lost claims. Kernel-made codes (SI_TIMER, SI_ASYNCIO, SI_SIGIO, SI_DETHREAD,
//   SI_ASYNCNL) with no match come from the kernel.
// - positive codes and SI_KERNEL: the kernel.
// With a send witness (the kernel trace, send_witness.h) every delivery also takes the
// send it comes from: it adds the sender's thread (scope `thread` for a sibling) and its
// name at the time (a task renamed by prctl(PR_SET_NAME) is named as the kernel named
// it), and for a caller-written code with no intercepted call it is the true sender. Where
// ptrace (si_pid) or an intercepted call already names the sender, that name stays, and a
// witness that disagrees is reported on the debug trace.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <vector>

#include "base/diagnostics.h"
#include "engine/notify/send_witness.h"
#include "events/event.h"
#include "run/kernel_view.h"
#include "run/sender_claims.h"
#include "tasks/process_table.h"

namespace sigvisor {

class SenderAttribution {
 public:
  SenderAttribution(const ProcessTable& table, KernelView& kernel, pid_t supervisor_pid)
      : table_(table), kernel_(kernel), supervisor_pid_(supervisor_pid) {}
  // Sources are asked in the order they were added.
  void add_source(SenderEvidence& source) { sources_.push_back(&source); }
  // The kernel's record of sends, if the run has one; `diag` hears of disagreements.
  void set_witness(SendWitness* witness, const Diagnostics* diag) {
    witness_ = witness;
    diag_ = diag;
  }

  // Fills ev's sender fields (ev.sig, ev.info and ev.task already set; ev.task.tid may
  // be 0 when unknown) for a delivery of `si` to thread group `receiver`, seen at a stop
  // at CLOCK_BOOTTIME `stop_time`.
  void identify(SignalEvent& ev, const siginfo_t& si, pid_t receiver, double stop_time) const;

 private:
  std::optional<SenderClaim> take_claim(pid_t receiver, int sig,
                                        const ClaimedFields& delivered) const;
  bool sources_complete() const;
  void from_claim(SignalEvent& ev, const SenderClaim& claim, pid_t receiver,
                  const std::optional<WitnessedSend>& w) const;
  bool from_witness(SignalEvent& ev, const WitnessedSend& w, pid_t receiver) const;
  void disagree(const SignalEvent& ev, pid_t ours, const WitnessedSend& w) const;

  const ProcessTable& table_;
  KernelView& kernel_;
  const pid_t supervisor_pid_;
  std::vector<SenderEvidence*> sources_;
  SendWitness* witness_ = nullptr;
  const Diagnostics* diag_ = nullptr;
};

}  // namespace sigvisor
