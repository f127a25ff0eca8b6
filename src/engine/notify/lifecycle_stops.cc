// See lifecycle_stops.h.
#include "engine/notify/lifecycle_stops.h"

#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run/exec_note.h"
#include "tasks/sender_scope.h"

namespace sigvisor {

// The sender of the SIGKILL that ended process ev.task: our interception of its kill call
// if the sandbox sent it, else the kernel trace's record (any sender, outside included).
// Both are asked, so the trace's record is used up either way, and must agree.
void LifecycleStops::name_killer(ExitEvent& ev) {
  RunState& sv = c_.sv;
  auto kernel = c_.witness != nullptr ? c_.witness->take_sigkill(ev.task.pid) : std::nullopt;
  if (auto k = sv.table.sigkill_sender(ev.task.pid)) {
    ev.killer = ref_of(*k);
    ev.killer_source = KillerSource::intercepted;
    if (kernel && kernel->sender.tid != k->tid) {
      sv.diag.debug("kernel trace disagrees: SIGKILL to %d: sent by %d here, %d/%d in the trace",
                    static_cast<int>(ev.task.pid), static_cast<int>(k->tid),
                    static_cast<int>(kernel->sender.pid), static_cast<int>(kernel->sender.tid));
    }
  } else if (kernel && kernel->sender.pid > 0) {
    ev.killer = kernel->sender;
    ev.killer_source = KillerSource::kernel;
  } else {
    return;
  }
  ev.killer_scope =
      sender_scope(sv.table, getpid(), ev.killer->pid, ev.killer->tid, ev.task.pid, 0);
}

void LifecycleStops::on_exit(const Stop& s) {
  RunState& sv = c_.sv;
  const pid_t pid = s.pid;
  auto t = sv.table.find(pid);
  ExitEvent ev;
  ev.task = t ? ref_of(*t) : ProcRef{pid, pid, {}};
  if (!t) {
    if (auto c = sv.table.remembered_comm(pid)) ev.task.comm = *c;
  }
  ev.wait_status = s.status;
  ev.thread = ev.task.pid != ev.task.tid;
  if (WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGKILL && !ev.thread) name_killer(ev);
  sv.record(ev);  // before removal: strace counts the dying task in its prefix rule
  if (c_.witness != nullptr && !ev.thread) c_.witness->forget(ev.task.pid);
  sv.table.remove(pid);
  if (pid == sv.root) {
    root_status_ = s.status;
    sv.program_exited();
  }
}

Restart LifecycleStops::on_spawn(const Stop& s) {
  RunState& sv = c_.sv;
  auto msg = c_.ops.event_msg(s.pid);
  if (!msg) return {};
  auto child = static_cast<pid_t>(*msg);
  TaskInfo parent = sv.task(s.pid);
  SpawnEvent ev;
  ev.parent = ref_of(parent);
  ev.kind = s.event == PTRACE_EVENT_FORK    ? SpawnKind::fork
            : s.event == PTRACE_EVENT_VFORK ? SpawnKind::vfork
                                            : SpawnKind::clone;
  TaskInfo t{child, child, parent.tgid, parent.comm};
  if (s.event == PTRACE_EVENT_CLONE) {
    // clone() may make a thread or a process; only the kernel's view says which.
    if (auto p = sv.kernel.task(child)) {
      t.tgid = p->tgid;
      t.ppid = t.tgid == parent.tgid ? parent.ppid : parent.tgid;
    }
  }
  if (auto existing = sv.table.find(child)) {
    // Its first stop was reported before our event: keep its tgid, fix the parent link.
    t.tgid = existing->tgid;
  }
  sv.table.add(t);
  ev.child_pid = t.tgid;
  ev.child_tid = child;
  ev.thread = t.tgid == parent.tgid;
  sv.record(ev);
  return {};
}

pid_t LifecycleStops::on_exec(const Stop& s) {
  RunState& sv = c_.sv;
  const pid_t former = static_cast<pid_t>(c_.ops.event_msg(s.pid).value_or(s.pid));
  ExecFacts facts = sv.kernel.exec_facts(s.pid);
  ExecEvent ev;
  ev.path = facts.exe;
  ev.argv = std::move(facts.argv);
  sv.table.exec(s.pid, former, facts.comm, std::move(facts.exe));
  ev.task = ref_of(sv.task(s.pid));
  ev.note = exec_note(sv, s.pid, ev.path);
  sv.record(std::move(ev));
  return former;
}

}  // namespace sigvisor
