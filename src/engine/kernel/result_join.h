// The results of calls sigvisor decided on the kernel engine: a decided call that goes on
// (allowed, logged) is recorded at the decision, in its place in the stream, and completed
// when the programs report its return (its result and out-parameters): `--results` costs
// nothing more here. A caller that dies before its call returns leaves it unfinished.
#pragma once

#include <sys/types.h>

#include <bitset>
#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "run/run_state.h"

namespace sigvisor {

class ResultJoin final : public CallResults {
 public:
  // `awaited`: the decided syscalls whose returns the programs record (kernel_plan.h).
  ResultJoin(RunState& sv, std::bitset<kSysCount> awaited) : sv_(sv), awaited_(awaited) {}

  bool await_result(const SyscallEvent& ev, bool record) override;
  // The return of a call of thread `tid` (kernel engine record): completes its event when
  // it was recorded. False when no decided call of that thread waits: the record is an
  // undecided call's, for the caller to record.
  bool returned(pid_t tid, const CallData& call, bool unfinished);
  // Thread `tid` is gone: a call it left waiting is written unfinished.
  void thread_gone(pid_t tid);
  bool awaits(Sys s) const { return awaited_.test(static_cast<std::size_t>(s)); }

  // How long the stream waits for a result before the call is written without it (a
  // record lost to a full buffer; the kernel skipping the call).
  static constexpr std::chrono::milliseconds kWait{2000};

 private:
  struct Waiting {
    std::optional<uint64_t> seq;  // the event in the stream, when it was recorded
    Sys sys;
  };
  RunState& sv_;
  const std::bitset<kSysCount> awaited_;
  std::mutex mu_;
  std::unordered_map<pid_t, Waiting> waiting_;  // by thread: one call at a time
};

}  // namespace sigvisor
