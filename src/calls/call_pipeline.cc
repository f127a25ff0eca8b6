// See call_pipeline.h.
#include "calls/call_pipeline.h"

#include "calls/call_decision.h"
#include "calls/task_names.h"

namespace sigvisor {

bool prepare_call(pid_t tid, PreparedCall& c, CallPort& port, RunState& sv) {
  // What happened before this call (kept by the engine elsewhere) is recorded first, and
  // names the caller: its exec, its birth.
  if (sv.earlier_records != nullptr) sv.earlier_records->catch_up();
  CallData& data = c.ev.call;
  sv.kernel.read_in(tid, data);
  const SyscallSpec& s = spec(data.sys);
  const pid_t fd_pid = has_target(s.family) ? sv.kernel.fd_target(tid, data) : -1;
  std::optional<TaskInfo> known = sv.table.find(tid);
  // What was read from the tracee (memory, its fds, /proc for an unknown caller) is only
  // trusted once the call is known to be still pending. A call read from registers alone,
  // by a caller the table knows, has nothing to confirm (the answer targets the call, not
  // the tid).
  bool looked_inside = fd_pid != -1 || !known;
  for (const UserBuffer& m : data.mem) looked_inside |= m.read;
  if (looked_inside) {
    if (!port.still_pending()) {
      sv.lost_notifications.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    c.confirmed = true;
  }
  const TaskInfo caller = known ? *known : sv.task(tid);
  if (has_target(s.family)) c.ev.target = sv.table.resolve(data, caller, fd_pid);
  c.ev.caller = ProcRef{caller.tgid, caller.tid, caller.comm};
  if (data.sys != Sys::rt_sigreturn) {
    const std::string exe = sv.exe_for_policy(caller.tgid);
    CallContext ctx{&data,      caller.tgid,
                    caller.tid, comm_view(caller.comm),
                    exe,        c.ev.target ? &*c.ev.target : nullptr};
    c.decision = decide_call(ctx, sv);
  }
  if (is_refusal(c.decision.action) && !data.retval) data.retval = -c.decision.err;
  return true;
}

void conclude_call(PreparedCall& c, CallPort& port, RunState& sv) {
  const Decision d = c.decision;
  const pid_t caller = c.ev.caller.pid;
  const Sys sys = c.ev.call.sys;
  record_call(c.ev, d, sv);  // one copy of it, into the queue, only when it is recorded
  apply_rename(c.ev, is_refusal(d.action), sv);  // before the answer: its next call has it
  const bool strikes = d.action == Action::kill || d.action == Action::abort;
  if (strikes && (c.confirmed || port.still_pending())) enforce(d, caller, sv);
  if (!port.answer(d) && !strikes) {
    sv.lost_notifications.fetch_add(1, std::memory_order_relaxed);  // killed meanwhile
  }
  if (c.started) {
    sv.counters[static_cast<std::size_t>(sys)].nanos.fetch_add(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - *c.started)
                                  .count()),
        std::memory_order_relaxed);
  }
}

}  // namespace sigvisor
