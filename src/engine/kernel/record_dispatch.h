// What the kernel engine does with each record it reads (record_events.h): a call is
// matched against the policy (only allow and log reach here: what a rule may refuse goes
// to sigvisor through seccomp) and recorded with its result; forks, execs and exits keep
// the process table (names, the [pid N] prefix) and become events; sends are remembered
// and name the sender of each delivery and of each SIGKILL death. One instance per run,
// used by one thread at a time (the reader holds its lock).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>

#include "engine/kernel/kernel_records.h"
#include "engine/kernel/result_join.h"
#include "engine/kernel/send_matcher.h"
#include "run/run_state.h"

namespace sigvisor {

class RecordDispatch {
 public:
  RecordDispatch(RunState& sv, pid_t supervisor_pid, ResultJoin& results)
      : sv_(sv), self_(supervisor_pid), results_(results) {}
  // One record of `size` bytes as the ring buffer gave it; a malformed one is ignored
  // (and counted: malformed()).
  void handle(const void* data, std::size_t size);
  uint64_t malformed() const { return malformed_; }
  // The launched program's wait status, once its process exit was read; -1 before.
  int root_status() const { return root_status_; }
  // Called (on the reader's thread) when a member process takes a stop signal's default
  // action: how a job stop is seen when the program is not sigvisor's child (the pty
  // session keeper is its parent, and only a parent's waitpid sees the stop).
  void on_stop(std::function<void(pid_t tgid, int sig)> f) { on_stop_ = std::move(f); }

 private:
  void on_call(const sv_call& r, std::size_t size);
  void on_spawn(const sv_spawn& r);
  void on_exec(const sv_exec& r);
  void on_exit(const sv_exit& r);
  void on_send(const sv_send& r);
  void on_deliver(const sv_deliver& r);
  void process_exit(pid_t tgid, int status, int64_t ts);
  // A delivery of `send` to `task`, reported without a deliver record (a fatal signal).
  void record_delivery(const KernelSend& send, const ProcRef& task, int64_t ts);
  SignalEvent delivery_event(const ProcRef& task, int sig, int code, const uint8_t* info,
                             const std::optional<KernelSend>& send) const;
  void record_delivery_event(SignalEvent& ev, int64_t ts);
  Scope scope_of_sender(const KernelSend& s, pid_t receiver_tgid, pid_t receiver_tid) const;

  RunState& sv_;
  const pid_t self_;
  ResultJoin& results_;
  SendMatcher sends_;
  std::unordered_map<pid_t, Comm> leader_comm_;  // leaders that exited before their group
  uint64_t malformed_ = 0;
  int root_status_ = -1;
  std::function<void(pid_t, int)> on_stop_;
};

}  // namespace sigvisor
