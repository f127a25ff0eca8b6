// Who really sent a caller-written siginfo. rt_sigqueueinfo, rt_tgsigqueueinfo and
// pidfd_send_signal with an info let the caller write si_pid/si_uid itself (any si_code < 0
// except SI_TKILL): at delivery those fields are a claim. Each such call the sandbox makes
// is intercepted, so record_call() leaves a claim here (the true caller next to what it
// wrote) and the delivery stop takes it back to report the true sender and `forged`.
//
// Bounded: at most kMaxClaims pending claims, oldest evicted first (signals consumed by
// sigwaitinfo/signalfd have no delivery stop, so their claims are never taken back).
// Matching is exact on (receiver, signal, si_code, si_pid, si_uid, si_value) as delivered:
// a second thread rewriting the info between our read and the kernel's copy makes the
// delivery unmatched (reported as an unverified claim), never attributed to someone else.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "events/event.h"

namespace sigvisor {

// What the delivered (or sent) siginfo says about its sender.
struct ClaimedFields {
  int code = 0;
  pid_t pid = 0;
  uid_t uid = 0;
  uint64_t value = 0;  // si_value (int or pointer)
  bool operator==(const ClaimedFields&) const = default;
};

struct SenderClaim {
  pid_t receiver_tgid = 0;
  int sig = 0;
  ClaimedFields claimed;
  ProcRef caller;                   // the thread that made the call
  std::optional<uid_t> caller_uid;  // its real uid when the claim's pid was its own
};

// Caller-written codes: the kernel copies si_pid/si_uid from the caller's info.
inline bool caller_written_code(int code) {
  return code < 0 && code != -6;  // SI_TKILL is filled by the kernel
}

// The claimed fields of a 128-byte siginfo (the kill-family layout).
ClaimedFields claimed_fields(const uint8_t* info128);

// The claim an allowed send-family call leaves, if it passes a caller-written info.
// Reads the caller's real uid from /proc only when the claimed pid is the caller's own.
std::optional<SenderClaim> claim_of(const SyscallEvent& ev);

// Whether a claim is a lie: the pid or (when known) the uid differ from the caller's.
inline bool is_forged(const SenderClaim& c) {
  if (c.claimed.pid != c.caller.pid) return true;
  return c.caller_uid && *c.caller_uid != c.claimed.uid;
}

// One source of evidence about who sent a caller-written siginfo (sender_attribution.h
// asks them in order): the claims left by intercepted calls, a --results call waiting at
// its exit stop, later the kernel's own trace.
class SenderEvidence {
 public:
  virtual ~SenderEvidence() = default;
  // The claim matching a delivery, if this source holds one (consumed where the source
  // keeps claims for their delivery only).
  virtual std::optional<SenderClaim> take(pid_t receiver_tgid, int sig,
                                          const ClaimedFields& delivered) = 0;
  // This source saw every such call of the sandbox (nothing evicted): an unmatched
  // delivery then cannot come from the sandbox.
  virtual bool complete() const { return true; }
};

class SenderClaims final : public SenderEvidence {
 public:
  static constexpr std::size_t kMaxClaims = 1024;

  void add(const SenderClaim& c);
  // Removes and returns the oldest claim matching a delivery, if any.
  std::optional<SenderClaim> take(pid_t receiver_tgid, int sig,
                                  const ClaimedFields& delivered) override;
  // No claim was ever evicted: an unmatched delivery cannot be from the sandbox.
  bool complete() const override;

 private:
  mutable std::mutex mu_;
  std::deque<SenderClaim> claims_;
  uint64_t evicted_ = 0;
};

}  // namespace sigvisor
