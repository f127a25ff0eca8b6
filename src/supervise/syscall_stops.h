// Calls decided at ptrace stops (--results: SECCOMP_RET_TRACE): at the seccomp entry stop
// the call goes through the pipeline's first half (read, resolve, decide; a refusal skips
// the syscall), waits here, and at its exit stop is concluded with its result and
// out-parameters, exactly as strace shows them. A call waiting here is also evidence for
// sender attribution: its signal can be delivered before its exit stop.
#pragma once

#include <chrono>
#include <unordered_map>

#include "supervise/call_pipeline.h"
#include "supervise/sender_claims.h"
#include "supervise/stop_context.h"
#include "supervise/stop_kind.h"

namespace sigvisor {

class SyscallStops final : public SenderEvidence {
 public:
  explicit SyscallStops(StopContext ctx) : c_(ctx) {}
  Restart on_seccomp_entry(const Stop& s);
  Restart on_syscall_stop(const Stop& s);
  // The task changed its id (exec by a non-leader thread): it has no call waiting.
  void forget(pid_t tid) { pending_.erase(tid); }
  // The task died: a call it was in is recorded unfinished (strace's `<unfinished ...>`,
  // the answer to "why did it hang" under --timeout), before its exit event.
  void on_task_gone(pid_t tid);

  // SenderEvidence: an allowed call waiting for its exit stop whose info matches.
  std::optional<SenderClaim> take(pid_t receiver_tgid, int sig,
                                  const ClaimedFields& delivered) override;

 private:
  StopContext c_;
  std::unordered_map<pid_t, PreparedCall> pending_;
};

}  // namespace sigvisor
