// See supervisor.h.
#include "supervisor.h"

#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "event_sink.h"
#include "launcher.h"
#include "notify_loop.h"
#include "process_table.h"
#include "ptrace_loop.h"
#include "seccomp_filter.h"
#include "supervision.h"

namespace sigvisor {
namespace {

FilterSpec filter_for(const SupervisorOptions& opts) {
  FilterSpec f;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    // rt_sigreturn runs after every handler and carries nothing to police.
    if (static_cast<Sys>(i) == Sys::rt_sigreturn) continue;
    if (opts.results.test(i)) {
      f.trace.set(i);
    } else {
      f.notify.set(i);
    }
  }
  return f;
}

SummaryEvent summary_of(const Supervision& sv) {
  SummaryEvent s;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const auto& c = sv.counters[i];
    uint64_t calls = c.calls.load();
    if (calls == 0) continue;
    s.rows.push_back(SummaryRow{spec(static_cast<Sys>(i)).name, calls, c.errors.load(),
                                c.denied.load(), static_cast<double>(c.nanos.load()) / 1e9});
  }
  s.lost_notifications = sv.lost_notifications.load();
  return s;
}

int exit_status_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

// Signals that end sigvisor arrive through a signalfd, not a handler: no global state.
sigset_t fatal_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&s, sig);
  return s;
}

}  // namespace

Result<int> run_supervised(const SupervisorOptions& opts) {
  auto filter = build_filter(filter_for(opts));
  if (!filter) return filter.error();

  sigset_t fatal = fatal_signals();
  sigset_t original;
  pthread_sigmask(SIG_BLOCK, &fatal, &original);
  struct MaskRestore {
    sigset_t mask;
    ~MaskRestore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } mask_restore{original};

  LaunchSpec ls;
  ls.argv = opts.argv;
  ls.filter = &*filter;
  ls.child_sigmask = original;
  auto launched = launch(ls);
  if (!launched) return launched.error();
  Launched& child = *launched;

  if (ptrace(PTRACE_SEIZE, child.pid, nullptr, ptrace_options()) != 0) {
    int err = errno;
    kill(child.pid, SIGKILL);
    waitpid(child.pid, nullptr, 0);
    restore_terminal(child);
    return make_error(std::string("PTRACE_SEIZE: ") + std::strerror(err) +
                      (err == EPERM ? " (is ptrace restricted by Yama or a container?)" : ""));
  }
  enable_sync_wakeup(child.listener.get());

  ProcessTable table(Outside{getpid(), getpgrp()});
  table.add(TaskInfo{child.pid, child.pid, 0, make_comm("sigvisor")});
  SinkConfig sc;
  sc.text = opts.text;
  sc.style.pid_prefix_always = opts.text_is_file;
  sc.json = opts.json;
  EventSink sink(sc);
  Supervision sv{table, *opts.policy, sink, opts.printed, child.pid};
  sv.record(PolicyEvent{opts.policy->name(), opts.policy->hash(), opts.policy_source});

  UniqueFd wake(eventfd(0, EFD_CLOEXEC));
  UniqueFd sigfd(signalfd(-1, &fatal, SFD_CLOEXEC));
  NotifyLoopConfig nc{child.listener.get(), wake.get(), sigfd.get()};
  std::thread notifier([&] { run_notify_loop(nc, sv); });

  int root_status = 0;
  if (auto st = release(child); !st) {
    kill(child.pid, SIGKILL);
  }
  root_status = run_ptrace_loop(sv);

  uint64_t one = 1;
  (void)!write(wake.get(), &one, sizeof one);
  notifier.join();
  if (opts.summary) sv.record(summary_of(sv));
  sink.close();
  restore_terminal(child);
  if (auto err = sink.write_error(); !err.empty()) return make_error(err);
  if (int a = sv.abort_status.load(); a != 0) return a;
  return exit_status_of(root_status);
}

}  // namespace sigvisor
