// See stop_dispatcher.h.
#include "engine/notify/stop_dispatcher.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "engine/notify/delivery_stops.h"
#include "engine/notify/group_stops.h"
#include "engine/notify/lifecycle_stops.h"
#include "engine/notify/stop_kind.h"
#include "engine/notify/syscall_stops.h"
#include "engine/notify/tree_release.h"

namespace sigvisor {

int run_stop_dispatcher(RunState& sv, RestartRule rule, SendWitness* witness) {
  PtraceOps ops(sv.diag);
  const ArchMap arch;
  StopContext ctx{sv, ops, arch, witness};
  LifecycleStops lifecycle(ctx);
  SyscallStops syscalls(ctx);
  GroupStops groups(ctx);
  // Evidence for caller-written siginfos, in order: calls the notify loop let through,
  // then --results calls still waiting for their exit stop.
  SenderAttribution senders(sv.table, sv.kernel, getpid());
  senders.add_source(sv.claims);
  senders.add_source(syscalls);
  senders.set_witness(witness, &sv.diag);
  DeliveryStops deliveries(ctx, senders);

  // Attach mode lets go of the tree instead of killing it (tree_release.h): from then on
  // every stop is handled as usual and then detached, and no new call is decided.
  TreeRelease* const release = sv.tree.release();
  bool woken = false;
  for (;;) {
    const ReleaseStep step = release ? release->before_wait(ops, woken) : ReleaseStep::hold;
    if (step == ReleaseStep::done) break;
    if (step == ReleaseStep::releasing && rule != RestartRule::detach) {
      rule = RestartRule::detach;
      syscalls.stop_deciding();
    }
    woken = false;
    int status = 0;
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      woken = errno == EINTR;
      if (errno == EINTR) continue;
      if (errno != ECHILD) sv.diag.call_failed("waitpid", -1, errno);
      break;  // ECHILD: nothing left to trace
    }
    const Stop s = classify_stop(pid, status);
    sv.diag.debug("stop %d %s sig %d event %d", static_cast<int>(pid),
                  stop_kind_name(s.kind).data(), s.sig, s.event);
    if (s.kind == StopKind::exited && sv.table.is_helper(pid)) {
      continue;  // sigvisor's own child (pty_session.h, group_witness.h), not the tree's
    }
    if (s.kind == StopKind::exited) {
      syscalls.on_task_gone(pid);
      lifecycle.on_exit(s);
      continue;
    }
    if (s.kind == StopKind::not_a_stop) continue;
    sv.task(pid);  // a task seen for the first time joins the table
    Restart r;
    switch (s.kind) {
      case StopKind::spawn:
        r = lifecycle.on_spawn(s);
        break;
      case StopKind::exec:
        if (pid_t former = lifecycle.on_exec(s); former != pid) syscalls.forget(former);
        break;
      case StopKind::seccomp:
        r = syscalls.on_seccomp_entry(s);
        break;
      case StopKind::syscall:
        r = syscalls.on_syscall_stop(s);
        break;
      case StopKind::group_stop:
        r = groups.on_group_stop(s);
        break;
      case StopKind::event_stop:
        r = groups.on_event_stop(s);
        break;
      case StopKind::delivery:
        r = deliveries.on_delivery(s);
        break;
      case StopKind::other_event:
      case StopKind::exited:
      case StopKind::not_a_stop:
        break;
    }
    r = apply_rule(rule, r);
    ops.resume(pid, r.how, r.sig);
    if (r.how == Resume::detach) {  // no longer ours: it reports nothing more
      syscalls.forget(pid);
      sv.table.remove(pid);
    }
  }
  return lifecycle.root_status();
}

}  // namespace sigvisor
