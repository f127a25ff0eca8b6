// See supervisor.h.
#include "supervise/supervisor.h"

#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include "event_sink.h"
#include "kernel/landlock.h"
#include "kernel/seccomp_filter.h"
#include "signal_graph.h"
#include "signal_names.h"
#include "supervise/launcher.h"
#include "supervise/notify_loop.h"
#include "supervise/ptrace_loop.h"
#include "supervise/run_state.h"
#include "tasks/process_table.h"

namespace sigvisor {
namespace {

FilterSpec filter_for(const SupervisorOptions& opts) {
  FilterSpec f;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    // rt_sigreturn runs after every handler and carries nothing to police: only traced
    // (decoded, with its result) when --results asks for it, as strace shows it.
    if (static_cast<Sys>(i) == Sys::rt_sigreturn && !opts.results.test(i)) continue;
    if (opts.results.test(i)) {
      f.trace.set(i);
    } else {
      f.notify.set(i);
    }
  }
  return f;
}

SummaryEvent summary_of(const RunState& sv) {
  SummaryEvent s;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const auto& c = sv.counters[i];
    uint64_t calls = c.calls.load();
    if (calls == 0) continue;
    s.rows.push_back(SummaryRow{spec(static_cast<Sys>(i)).name, calls, c.errors.load(),
                                c.denied.load(), static_cast<double>(c.nanos.load()) / 1e9});
  }
  // strace -c's order: most time first; equal times by name.
  std::sort(s.rows.begin(), s.rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return a.seconds != b.seconds ? a.seconds > b.seconds : a.syscall < b.syscall;
  });
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

// A disarmed timerfd for --timeout (armed once the target is released), or none.
UniqueFd timeout_timer(double seconds) {
  if (seconds <= 0) return UniqueFd();
  return UniqueFd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
}

void arm(const UniqueFd& timer, double seconds) {
  if (!timer.valid()) return;
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(seconds);
  its.it_value.tv_nsec =
      static_cast<long>((seconds - static_cast<double>(its.it_value.tv_sec)) * 1e9);
  if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  timerfd_settime(timer.get(), 0, &its, nullptr);
}

// The Landlock ruleset the target enters, when asked for and possible; otherwise a
// one-line warning (once) and supervision by sigvisor alone.
UniqueFd landlock_for(const SupervisorOptions& opts) {
  if (!opts.landlock || !opts.policy->forbids_outside()) return UniqueFd();
  auto rs = signal_scope_ruleset();
  if (rs) return std::move(*rs);
  if (opts.messages != nullptr) {
    std::fprintf(opts.messages,
                 "sigvisor: warning: no kernel backstop for signals leaving the sandbox: %s\n",
                 rs.error().message.c_str());
  }
  return UniqueFd();
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// The one line that says why sigvisor ended the tree itself.
void report_end(const SupervisorOptions& opts, const NotifyLoopEnd& end) {
  if (opts.messages == nullptr) return;
  if (end.timed_out) {
    std::fprintf(opts.messages, "sigvisor: timeout after %s s: killed %zu processes\n",
                 seconds_text(opts.timeout_s).c_str(), end.killed);
  } else if (end.fatal_signal != 0) {
    std::fprintf(opts.messages, "sigvisor: received %s: killed %zu processes\n",
                 std::string(signal_name(end.fatal_signal)).c_str(), end.killed);
  }
  std::fflush(opts.messages);
}

}  // namespace

Result<int> run_supervised(const SupervisorOptions& opts) {
  auto filter = build_filter(filter_for(opts));
  if (!filter) return filter.error();

  sigset_t fatal = fatal_signals();
  sigset_t blocked = fatal;
  sigaddset(&blocked, kNotifyStopSignal);  // only the notify loop's receiver takes it
  sigset_t original;
  pthread_sigmask(SIG_BLOCK, &blocked, &original);
  struct MaskRestore {
    sigset_t mask;
    ~MaskRestore() { pthread_sigmask(SIG_SETMASK, &mask, nullptr); }
  } mask_restore{original};

  LaunchSpec ls;
  ls.argv = opts.argv;
  ls.filter = &*filter;
  ls.child_sigmask = original;
  UniqueFd ruleset = landlock_for(opts);
  ls.landlock_ruleset = ruleset.get();
  auto launched = launch(ls);
  ruleset.reset();
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
  SignalGraph graph;  // fed by the sink's writer thread, read after close()
  if (!opts.graph_file.empty()) sc.observer = [&graph](const Event& e) { graph.observe(e); };
  EventSink sink(sc);
  RunState sv{table, *opts.policy, sink, opts.printed, child.pid};
  sv.record(PolicyEvent{opts.policy->name(), opts.policy->hash(), opts.policy_source});

  UniqueFd wake(eventfd(0, EFD_CLOEXEC));
  UniqueFd sigfd(signalfd(-1, &fatal, SFD_CLOEXEC));
  UniqueFd timer = timeout_timer(opts.timeout_s);
  NotifyLoopConfig nc{child.listener.get(), wake.get(), sigfd.get(), timer.get()};
  NotifyLoopEnd loop_end;
  std::thread notifier([&] { loop_end = run_notify_loop(nc, sv); });

  int root_status = 0;
  arm(timer, opts.timeout_s);
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
  report_end(opts, loop_end);
  if (auto err = sink.write_error(); !err.empty()) return make_error(err);
  if (!opts.graph_file.empty()) {
    auto note = write_graph_files(opts.graph_file, graph.dot());
    if (!note) return note.error();
    if (opts.messages != nullptr) std::fprintf(opts.messages, "sigvisor: %s\n", note->c_str());
  }
  if (int a = sv.abort_status.load(); a != 0) return a;
  return exit_status_of(root_status);
}

}  // namespace sigvisor
