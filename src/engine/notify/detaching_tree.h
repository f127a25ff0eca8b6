// Attach mode's TreeControl (tree_control.h): the policy's `kill` still SIGKILLs the
// caller (a policy decision), but ending the tree — SIGINT/SIGTERM to sigvisor, --timeout,
// a policy `abort` — detaches from every task instead, and the processes run on as they
// did before sigvisor came: not stopped, no signal lost, pending signals kept, a group
// stop kept.
//
// Only the tracer thread may make ptrace requests, and it spends its time blocked in
// waitpid(). So end_tree(), on whatever thread, only records the request and wakes the
// tracer thread with kTracerWakeSignal (thread-directed; its handler does nothing and has
// no SA_RESTART, so waitpid() returns EINTR). The dispatcher calls before_wait() before
// each wait (TreeRelease): the first call after a request sends PTRACE_INTERRUPT to every
// task, so that each reports one more stop; that stop is handled as usual (a denied call
// gets its errno at its exit stop, a delivery is recorded) and, by RestartRule::detach, is
// the task's last: PTRACE_DETACH with the signal it was to get. A wake that lands between
// the dispatcher's check and its waitpid() is lost; end_tree() is called again every few
// milliseconds while a run ends (the control loop's sweep), and wakes again each time
// until the release is over. Those wakes also let the dispatcher notice a tree that can
// report nothing more: a thread-group leader that exited before its threads stays a
// zombie nobody can detach.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <csignal>
#include <cstddef>
#include <mutex>
#include <unordered_set>

#include "engine/notify/tree_release.h"
#include "run/tree_control.h"
#include "tasks/process_table.h"

namespace sigvisor {

// Blocked in every thread by supervisor.cc (it is also the notify receiver's stop signal:
// both are sent with pthread_kill to one thread and only interrupt a blocking call).
inline constexpr int kTracerWakeSignal = SIGURG;

class DetachingTree final : public TreeControl, public TreeRelease {
 public:
  // Made on the tracer thread (the one that seized the tree and runs the dispatcher).
  explicit DetachingTree(const ProcessTable& table);
  void kill_process(pid_t tgid) override;
  // Asks the tracer thread to detach from the tree; returns how many processes that is.
  // Attach mode owns no program: a signal to sigvisor, or --timeout, lets go of the tree
  // instead (the caller then ends it, which detaches).
  bool forward(int, bool) override { return false; }
  bool forward_to_rest_of_group(int) override { return false; }
  std::size_t signal_tree(int) override { return 0; }
  bool lets_go() const override { return true; }
  std::size_t end_tree() override;
  TreeRelease* release() override { return this; }
  ReleaseStep before_wait(PtraceOps& ops, bool woken) override;

 private:
  bool only_zombies_left() const;

  const ProcessTable& table_;
  const pthread_t tracer_;
  std::atomic<bool> requested_{false};
  std::atomic<bool> done_{false};
  bool wake_armed_ = false;   // tracer thread only
  bool interrupted_ = false;  // tracer thread only
  std::mutex mu_;
  std::unordered_set<pid_t> ended_;
};

}  // namespace sigvisor
