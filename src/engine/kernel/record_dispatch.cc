// See record_dispatch.h.
#include "engine/kernel/record_dispatch.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "engine/kernel/record_events.h"
#include "kernel/proc_reader.h"
#include "run/exec_note.h"
#include "tasks/sender_scope.h"

namespace sigvisor {
namespace {

template <class R>
const R& as(const void* data) {
  return *static_cast<const R*>(data);
}

bool is_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

}  // namespace

void RecordDispatch::handle(const void* data, std::size_t size) {
  switch (record_type(data, size)) {
    case SV_REC_CALL:
      return on_call(as<sv_call>(data), size);
    case SV_REC_SPAWN:
      return on_spawn(as<sv_spawn>(data));
    case SV_REC_EXEC:
      return on_exec(as<sv_exec>(data));
    case SV_REC_EXIT:
      return on_exit(as<sv_exit>(data));
    case SV_REC_SEND:
      return on_send(as<sv_send>(data));
    case SV_REC_DELIVER:
      return on_deliver(as<sv_deliver>(data));
    default:
      ++malformed_;
  }
}

void RecordDispatch::on_call(const sv_call& r, std::size_t size) {
  auto call = call_data_of(r, size);
  if (!call) {
    ++malformed_;
    return;
  }
  // A call sigvisor decided: counted there, and its event (if any) waits for this.
  if (results_.returned(static_cast<pid_t>(r.h.tid), *call, r.unfinished != 0)) return;
  SyscallEvent ev;
  ev.caller = caller_of(r.h, r.comm);
  ev.call = *call;
  ev.unfinished = r.unfinished != 0;
  auto& counters = sv_.counters[static_cast<std::size_t>(call->sys)];
  counters.calls.fetch_add(1, std::memory_order_relaxed);
  if (call->retval && *call->retval < 0 && *call->retval >= -4095) {
    counters.errors.fetch_add(1, std::memory_order_relaxed);
  }
  // -c: the call's own time in the kernel (entry to return), as strace -c counts it.
  if (r.h.ts_ns > r.enter_ns) counters.nanos.fetch_add(r.h.ts_ns - r.enter_ns);
  if (!sv_.printed.test(static_cast<std::size_t>(call->sys))) return;
  if (has_target(spec(call->sys).family)) {
    // A send no rule may refuse, recorded in the kernel: whom it aimed at, as the tree is
    // now (it was sent already; the kernel's send record names who got it).
    const TaskInfo caller{ev.caller.tid, ev.caller.pid,
                          sv_.table.find(ev.caller.pid).value_or(TaskInfo{}).ppid, ev.caller.comm};
    ev.target = sv_.table.resolve(ev.call, caller, -1);
  }
  Decision d;
  if (call->sys != Sys::rt_sigreturn) {
    const std::string exe = sv_.exe_for_policy(ev.caller.pid);
    CallContext ctx{&ev.call,      ev.caller.pid,
                    ev.caller.tid, comm_view(ev.caller.comm),
                    exe,           ev.target ? &*ev.target : nullptr};
    d = sv_.policy.decide(ctx);
  }
  if (!sv_.policy.records(d)) return;
  ev.action = d.action;  // allow or log: a rule that may refuse routes the call to sigvisor
  ev.rule = d.rule;
  ev.racy = d.racy;
  sv_.record_at(std::move(ev), static_cast<int64_t>(r.enter_ns));
}

void RecordDispatch::on_spawn(const sv_spawn& r) {
  SpawnEvent ev = spawn_event_of(r);
  TaskInfo t{ev.child_tid, ev.child_pid, static_cast<pid_t>(r.child_ptgid), ev.parent.comm};
  sv_.table.add(t);
  sv_.record_at(std::move(ev), static_cast<int64_t>(r.h.ts_ns));
}

void RecordDispatch::on_exec(const sv_exec& r) {
  ExecEvent ev;
  const auto tid = static_cast<pid_t>(r.h.tid);
  const auto tgid = static_cast<pid_t>(r.h.tgid);
  // The image's full path, as the notify engine reads it (exec'd by a relative path, the
  // record holds what was passed); the record's when the task is already gone.
  ev.path = read_exe(tgid);
  if (ev.path.empty()) ev.path.assign(r.path, strnlen(r.path, sizeof r.path));
  ev.argv = split_argv(r.argv, std::min<std::size_t>(r.argv_len, sizeof r.argv));
  const Comm comm = comm_of(r.comm);
  sv_.table.exec(tgid, static_cast<pid_t>(r.old_tid), comm, ev.path);
  ev.task = ProcRef{tgid, tid, comm};
  ImageFacts facts;
  facts.mode = r.file_mode;
  facts.file_uid = r.file_uid;
  facts.file_gid = r.file_gid;
  facts.nosuid = r.nosuid != 0;
  facts.euid = r.euid;
  facts.egid = r.egid;
  ev.note = exec_note(sv_, facts, ev.path);
  sv_.record_at(std::move(ev), static_cast<int64_t>(r.h.ts_ns));
}

void RecordDispatch::on_exit(const sv_exit& r) {
  const auto tid = static_cast<pid_t>(r.h.tid);
  const auto tgid = static_cast<pid_t>(r.h.tgid);
  const auto ts = static_cast<int64_t>(r.h.ts_ns);
  if (tid != tgid) {
    // A thread's own end, as ptrace reports it for every traced thread.
    ExitEvent ev;
    ev.task = ProcRef{tgid, tid, comm_of(r.comm)};
    ev.wait_status = r.exit_code;
    ev.thread = true;
    sv_.record_at(ev, ts);
    sv_.table.remove(tid);
    results_.thread_gone(tid);
  } else {
    leader_comm_[tgid] = comm_of(r.comm);
  }
  if (r.group_dead != 0) process_exit(tgid, r.exit_code, ts);
}

// The process is gone (its last thread exited): reported once, as its leader, with the
// group's status, as ptrace reports a thread group leader after all its threads.
void RecordDispatch::process_exit(pid_t tgid, int status, int64_t ts) {
  ExitEvent ev;
  auto known = sv_.table.find(tgid);
  ev.task = ProcRef{tgid, tgid, known ? known->comm : Comm{}};
  if (auto it = leader_comm_.find(tgid); it != leader_comm_.end()) {
    ev.task.comm = it->second;
    leader_comm_.erase(it);
  }
  ev.wait_status = status;
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
    // A fatal signal with no handler: the kernel ended the group at the send, so no thread
    // dequeued it. Its delivery is reported here, as the notify engine sees it at its stop.
    if (auto send = sends_.take_fatal(tgid, WTERMSIG(status))) {
      record_delivery(*send, ProcRef{tgid, send->group ? tgid : send->target_tid, ev.task.comm},
                      ts);
    }
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
    if (auto k = sends_.take_sigkill(tgid)) {
      ev.killer = k->sender;
      ev.killer_source = KillerSource::kernel;
      ev.killer_scope = scope_of_sender(*k, tgid, 0);
    }
  }
  results_.thread_gone(tgid);
  sv_.record_at(ev, ts);
  sends_.forget(tgid);
  sv_.table.remove(tgid);
  if (tgid == sv_.root) {
    root_status_ = status;
    sv_.program_exited();
  }
}

void RecordDispatch::on_send(const sv_send& r) {
  KernelSend s;
  s.sender = caller_of(r.h, r.comm);
  s.sender_uid = r.sender_uid;
  s.sender_member = r.sender_member != 0;
  s.target_tid = static_cast<pid_t>(r.target_tid);
  s.target_tgid = static_cast<pid_t>(r.target_tgid);
  s.sig = r.sig;
  s.code = r.code;
  s.group = r.group != 0;
  s.info_ok = r.info_ok != 0;
  std::memcpy(s.info.data(), r.info, s.info.size());
  // signal_generate's result: queued (delivered, or without its siginfo) or not at all.
  const std::string_view not_queued = r.result == 1   ? "ignored"
                                      : r.result == 2 ? "pending"
                                      : r.result == 3 ? "overflow"
                                                      : "";
  if (not_queued.empty()) {
    sends_.sent(s);
    return;
  }
  // No thread will take it: the send is the only event of it (natively SIGCHLD and
  // SIGCONT with no handler are ignored; under ptrace they would have been delivered).
  const ProcRef task{s.target_tgid, s.group ? s.target_tgid : s.target_tid,
                     sv_.table.find(s.target_tid).value_or(TaskInfo{}).comm};
  SignalEvent ev = delivery_event(task, s.sig, s.code, s.info.data(), s);
  ev.result = not_queued;
  record_delivery_event(ev, static_cast<int64_t>(r.h.ts_ns));
}

Scope RecordDispatch::scope_of_sender(const KernelSend& s, pid_t receiver_tgid,
                                      pid_t receiver_tid) const {
  if (s.sender.pid == receiver_tgid) {
    return receiver_tid != 0 && s.sender.tid != receiver_tid ? Scope::thread : Scope::self;
  }
  if (s.sender.pid == self_) return Scope::supervisor;
  return s.sender_member ? Scope::sandbox : Scope::outside;
}

void RecordDispatch::on_deliver(const sv_deliver& r) {
  if (r.sig == SIGKILL) return;  // no delivery to see (the exit names the killer), as ptrace
  const auto tid = static_cast<pid_t>(r.h.tid);
  const auto tgid = static_cast<pid_t>(r.h.tgid);
  const ProcRef task{tgid, tid, comm_of(r.comm)};
  const auto ts = static_cast<int64_t>(r.h.ts_ns);
  auto send = sends_.take(tid, tgid, r.sig);
  SignalEvent ev = delivery_event(task, r.sig, r.code, r.info, send);
  ev.result = "delivered";
  record_delivery_event(ev, ts);
  if (is_stop_signal(r.sig) && r.handler == 0 /* SIG_DFL */) {
    sv_.record_at(StopEvent{ev.task, r.sig}, ts);
    if (on_stop_) on_stop_(tgid, r.sig);
  }
}

void RecordDispatch::record_delivery(const KernelSend& send, const ProcRef& task, int64_t ts) {
  SignalEvent ev = delivery_event(task, send.sig, send.code, send.info.data(), send);
  ev.result = "delivered";
  record_delivery_event(ev, ts);
}

SignalEvent RecordDispatch::delivery_event(const ProcRef& task, int sig, int code,
                                           const uint8_t* info,
                                           const std::optional<KernelSend>& send) const {
  SignalEvent ev;
  ev.task = task;
  std::memcpy(ev.info.data(), info, ev.info.size());
  ev.sig = sig;
  ev.code = code;
  siginfo_t si;
  std::memcpy(&si, info, sizeof si);
  if (kernel_made(code)) {
    ev.sender_scope = Scope::kernel;
  } else if (send) {
    ev.sender = send->sender;
    ev.sender_known = true;
    ev.sender_tid_known = true;
    ev.sender_uid = send->sender_uid;
    ev.sender_scope = scope_of_sender(*send, task.pid, task.tid);
    if (caller_written(code)) {
      ev.claimed = std::make_pair(static_cast<pid_t>(si.si_pid), static_cast<uint32_t>(si.si_uid));
      ev.claim_checked = true;
      ev.forged = si.si_pid != send->sender.pid || si.si_uid != send->sender_uid;
    }
  } else {
    // Sent before the receiver joined the tree, or lost to the bound: what si_pid says.
    ev.sender = ProcRef{si.si_pid, 0, sv_.table.remembered_comm(si.si_pid).value_or(Comm{})};
    ev.sender_scope = sender_scope(sv_.table, self_, si.si_pid, 0, task.pid, task.tid);
  }
  return ev;
}

void RecordDispatch::record_delivery_event(SignalEvent& ev, int64_t ts) {
  const std::string exe = sv_.exe_for_policy(ev.task.pid);
  DeliveryContext ctx{ev.sig, ev.code, ev.sender_scope, ev.task.pid, comm_view(ev.task.comm), exe};
  const Decision d = sv_.policy.decide_delivery(ctx);
  ev.rule = d.rule;  // a delivery rule that denies is refused at start on this engine
  if (sv_.policy.records(d)) sv_.record_at(ev, ts);
}

}  // namespace sigvisor
