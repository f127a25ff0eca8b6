// See result_join.h.
#include "engine/kernel/result_join.h"

#include <variant>

namespace sigvisor {

bool ResultJoin::await_result(const SyscallEvent& ev, bool record) {
  if (!awaits(ev.call.sys) || ev.call.retval) return false;
  std::lock_guard lock(mu_);
  Waiting w{std::nullopt, ev.call.sys};
  if (record) {
    w.seq = sv_.sink.record_pending(ev, static_cast<uint32_t>(sv_.table.live_tasks()), kWait);
  }
  waiting_[ev.caller.tid] = w;
  return true;
}

bool ResultJoin::returned(pid_t tid, const CallData& call, bool unfinished) {
  Waiting w{};
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(tid);
    if (it == waiting_.end() || it->second.sys != call.sys) return false;
    w = it->second;
    waiting_.erase(it);
  }
  // The -c table's errors: the decision counted the call, its result comes now.
  if (!unfinished && call.retval && *call.retval < 0 && *call.retval >= -4095) {
    sv_.counters[static_cast<std::size_t>(call.sys)].errors.fetch_add(1, std::memory_order_relaxed);
  }
  if (!w.seq) return true;  // decided, not recorded: nothing to complete
  sv_.sink.complete(*w.seq, [&](EventBody& body) {
    auto* ev = std::get_if<SyscallEvent>(&body);
    if (ev == nullptr) return;
    if (unfinished) {
      ev->unfinished = true;
      return;
    }
    ev->call.retval = call.retval;
    // Out-parameters, as the kernel wrote them (the inputs stay as the decision read them).
    for (std::size_t i = 0; i < call.mem.size(); ++i) {
      if (is_out_pointer(arg_kind(spec(call.sys), call.regs, static_cast<int>(i)))) {
        ev->call.mem[i] = call.mem[i];
      }
    }
  });
  return true;
}

void ResultJoin::thread_gone(pid_t tid) {
  Waiting w{};
  {
    std::lock_guard lock(mu_);
    auto it = waiting_.find(tid);
    if (it == waiting_.end()) return;
    w = it->second;
    waiting_.erase(it);
  }
  if (!w.seq) return;
  sv_.sink.complete(*w.seq, [](EventBody& body) {
    if (auto* ev = std::get_if<SyscallEvent>(&body)) ev->unfinished = true;
  });
}

}  // namespace sigvisor
