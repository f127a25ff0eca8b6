// Calls decided at ptrace stops — at the seccomp entry stop (--results: SECCOMP_RET_TRACE)
// or, in attach mode, which has no filter, at the syscall-entry stop of a call that is
// ours: the call goes through the pipeline's first half (read, resolve, decide; a refusal
// skips the syscall), waits here, and at its exit stop is concluded with its result and
// out-parameters, exactly as strace shows them. A call waiting here is also evidence for
// sender attribution: its signal can be delivered before its exit stop.
#pragma once

#include <array>
#include <chrono>
#include <unordered_map>

#include "calls/call_pipeline.h"
#include "engine/notify/stop_context.h"
#include "engine/notify/stop_kind.h"
#include "run/sender_claims.h"

namespace sigvisor {

class SyscallStops final : public SenderEvidence {
 public:
  explicit SyscallStops(StopContext ctx) : c_(ctx) {}
  Restart on_seccomp_entry(const Stop& s);
  Restart on_syscall_stop(const Stop& s);
  // The task changed its id (exec by a non-leader thread) or was let go of (detach): it
  // has no call waiting here any more.
  void forget(pid_t tid) { pending_.erase(tid); }
  // The task died: a call it was in is recorded unfinished (strace's `<unfinished ...>`,
  // the answer to "why did it hang" under --timeout), before its exit event.
  void on_task_gone(pid_t tid);
  // The tree is being let go of (attach: detached): calls that enter from now on run
  // undecided; calls already decided are still concluded at their exit stops.
  void stop_deciding() { deciding_ = false; }

  // SenderEvidence: an allowed call waiting for its exit stop whose info matches.
  std::optional<SenderClaim> take(pid_t receiver_tgid, int sig,
                                  const ClaimedFields& delivered) override;

 private:
  // The first half of a call of ours stopped at its entry: decided, skipped if refused.
  Restart enter(pid_t pid, Sys sys, const __ptrace_syscall_info& info,
                const std::array<uint64_t, 6>& regs);

  StopContext c_;
  std::unordered_map<pid_t, PreparedCall> pending_;
  bool deciding_ = true;
};

}  // namespace sigvisor
