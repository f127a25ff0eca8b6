// See detaching_tree.h.
#include "engine/notify/detaching_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/unique_fd.h"
#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {

void on_wake(int) {}

// Lets kTracerWakeSignal interrupt this thread's waitpid(). Done by the tracer thread
// itself once it dispatches, so threads started before (the control loop) keep it blocked.
void arm_wake_on_this_thread() {
  struct sigaction sa {};
  sa.sa_handler = on_wake;  // no SA_RESTART: waitpid must return EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(kTracerWakeSignal, &sa, nullptr);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, kTracerWakeSignal);
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

// The state letter of the task ('Z' zombie, 'X' dead), or 0 when it is gone.
char task_state(pid_t tid) {
  auto st = read_stat(tid);
  return st ? st->state : 0;
}

}  // namespace

DetachingTree::DetachingTree(const ProcessTable& table) : table_(table), tracer_(pthread_self()) {}

void DetachingTree::kill_process(pid_t tgid) {
  ::kill(tgid, SIGKILL);
}

std::size_t DetachingTree::end_tree() {
  std::lock_guard lock(mu_);
  // Counted as killing counts: every process in the table now is let go by this request.
  for (pid_t p : table_.all_tgids()) ended_.insert(p);
  requested_.store(true, std::memory_order_release);
  // Nothing to wake for once the tracer is done, or has nothing left to detach (it may have
  // left its loop: a stray wake would only interrupt its teardown).
  if (!done_.load(std::memory_order_acquire) && table_.live_tasks() > 0 &&
      !pthread_equal(pthread_self(), tracer_)) {
    pthread_kill(tracer_, kTracerWakeSignal);
  }
  return ended_.size();
}

ReleaseStep DetachingTree::before_wait(PtraceOps& ops, bool woken) {
  if (!wake_armed_) {
    arm_wake_on_this_thread();
    wake_armed_ = true;
  }
  if (!requested_.load(std::memory_order_acquire)) return ReleaseStep::hold;
  if (!interrupted_) {
    interrupted_ = true;
    // Running tasks stop at their next chance; a task in a group stop (LISTEN) traps
    // again with its stop signal. Either way it reports one stop, which is its last.
    for (pid_t tid : table_.all_tids()) ops.interrupt(tid);
  }
  if (table_.live_tasks() == 0 || (woken && only_zombies_left())) {
    done_.store(true, std::memory_order_release);
    return ReleaseStep::done;
  }
  return ReleaseStep::releasing;
}

bool DetachingTree::only_zombies_left() const {
  for (pid_t tid : table_.all_tids()) {
    const char st = task_state(tid);
    if (st != 0 && st != 'Z' && st != 'X') return false;
  }
  return true;
}

}  // namespace sigvisor
