// See notify_loop.h. Order matters: read memory, then check the notification is still
// valid (the id could otherwise belong to a recycled tid), then decide, record (so the
// event precedes any delivery the call causes), then SEND.
#include "supervise/notify_loop.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/uio.h>

#include <linux/audit.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <unordered_set>

#include "kernel/indirect_target.h"
#include "kernel/kernel_compat.h"
#include "kernel/syscall_arch.h"
#include "kernel/tracee_memory.h"
#include "supervise/call_decision.h"

namespace sigvisor {
namespace {

// After an abort, how often the tree is swept again for late-reported children.
constexpr int kSweepIntervalMs = 10;
// Otherwise how often the watcher looks whether an abort was decided elsewhere.
constexpr int kIdleCheckMs = 50;
const int kStopSignal = kNotifyStopSignal;

void on_stop_signal(int) {}

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;  // no SA_RESTART: RECV must return EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(kStopSignal, &sa, nullptr);
}

TaskInfo caller_info(pid_t tid, RunState& sv) {
  if (auto t = sv.table.find(tid)) return *t;
  // Not reported by ptrace yet (or an untracked thread): ask /proc once and remember.
  TaskInfo t = read_task_from_proc(tid).value_or(TaskInfo{tid, tid, 0, {}});
  sv.table.add(t);
  return t;
}

// Receives (blocking) and handles one notification. False when RECV failed for a reason
// other than an interruption (EINTR: the stop signal) or a caller that died (ENOENT).
bool handle_one(int listener, RunState& sv, const ArchMap& arch) {
  seccomp_notif req;
  std::memset(&req, 0, sizeof req);  // the kernel insists on a zeroed buffer
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
    return errno == EINTR || errno == ENOENT;
  auto started = std::chrono::steady_clock::now();

  seccomp_notif_resp resp;
  std::memset(&resp, 0, sizeof resp);
  resp.id = req.id;
  auto sys = arch.lookup(req.data.arch, req.data.nr);
  if (!sys) {  // not ours (cannot happen with our filter): let it run
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    return true;
  }

  SyscallEvent ev;
  CallData& call = ev.call;
  call.sys = *sys;
  call.arch = req.data.arch;
  for (int i = 0; i < 6; ++i) call.regs[i] = req.data.args[i];
  const auto tid = static_cast<pid_t>(req.pid);
  read_in_pointers(tid, call);
  const pid_t pidfd_pid = fd_target(tid, call);  // pidfd's pid, fd's owner / pty group
  std::optional<TaskInfo> known = sv.table.find(tid);
  const bool known_caller = known.has_value();
  // What was read from the tracee (memory, its fds, /proc for an unknown caller) is only
  // trusted once the notification is known to be still pending: the tid could otherwise
  // have been recycled. A call read from registers alone, by a caller the table knows,
  // has nothing to confirm (the reply targets the notification id, not the tid).
  bool looked_inside = pidfd_pid != -1 || !known_caller;
  for (const UserBuffer& m : call.mem) looked_inside |= m.read;
  if (looked_inside && ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) != 0) {
    sv.lost_notifications.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  TaskInfo caller = known ? *known : caller_info(tid, sv);
  const SyscallSpec& s = spec(call.sys);
  std::optional<Target> target;
  if (has_target(s.family)) target = sv.table.resolve(call, caller, pidfd_pid);
  // Only a policy with exe globs needs the path: no copy of it on the hot path otherwise.
  std::string exe = sv.policy_uses_exe ? sv.table.exe(caller.tgid) : std::string();
  CallContext ctx{
      &call, caller.tgid, caller.tid, comm_view(caller.comm), exe, target ? &*target : nullptr};
  Decision d = decide_call(ctx, sv);

  if (is_refusal(d.action)) {
    resp.error = -d.err;
    call.retval = resp.error;
  } else {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  }
  ev.caller = ProcRef{caller.tgid, caller.tid, caller.comm};
  ev.target = target;
  // Recorded before the reply so that the event precedes any delivery the call causes.
  record_call(std::move(ev), d, sv);
  // kill and abort strike before the reply: the caller must never run on with the
  // refused call's result (a shell would exit 1 on EPERM and race the SIGKILL).
  const bool strikes = d.action == Action::kill || d.action == Action::abort;
  // A kill must not hit a recycled pid: confirm the caller is still the one waiting.
  if (strikes && (looked_inside || ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0)) {
    enforce(d, caller.tgid, sv);
  }
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && !strikes) {
    sv.lost_notifications.fetch_add(1, std::memory_order_relaxed);  // killed meanwhile
  }
  sv.counters[static_cast<std::size_t>(*sys)].nanos.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()),
      std::memory_order_relaxed);
  return true;
}

}  // namespace

bool enable_sync_wakeup(int listener) {
  uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
  return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0;
}

NotifyLoopEnd run_notify_loop(const NotifyLoopConfig& config, RunState& sv) {
  NotifyLoopEnd end;
  std::unordered_set<pid_t> killed;
  auto sweep = [&] {
    for (pid_t p : sv.table.all_tgids()) {
      if (::kill(p, SIGKILL) == 0) killed.insert(p);
    }
    end.killed = killed.size();
  };
  auto stop_tree = [&](int status) {
    int expected = 0;
    sv.abort_status.compare_exchange_strong(expected, status);
    sweep();
  };

  // The receiver blocks in RECV itself: a poll() before each receive cost ~1.5 us per
  // call (bench/run.sh). It is stopped by kStopSignal, whose handler does nothing but
  // make RECV fail with EINTR; the signal is sent until the thread says it has left.
  install_stop_handler();
  std::atomic<bool> stop{false};
  std::atomic<bool> receiver_left{false};
  std::thread receiver([&] {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, kStopSignal);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
    const ArchMap arch;
    while (!stop.load(std::memory_order_acquire)) {
      if (!handle_one(config.listener, sv, arch)) break;
    }
    receiver_left.store(true, std::memory_order_release);
  });

  // This thread watches the rest: the listener's hang-up (events 0: POLLIN does not wake
  // it, only POLLHUP/POLLERR), the stop eventfd, fatal signals to sigvisor and the timer.
  pollfd fds[4] = {{config.listener, 0, 0},
                   {config.wake_fd, POLLIN, 0},
                   {config.signal_fd, POLLIN, 0},
                   {config.timer_fd, POLLIN, 0}};
  for (;;) {
    // An abort decided by the receiver or the ptrace thread is noticed within the idle
    // period; from then on the tree is swept every kSweepIntervalMs.
    const int wait_ms = sv.abort_status.load() != 0 ? kSweepIntervalMs : kIdleCheckMs;
    int n = poll(fds, 4, wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (n == 0) {
      if (sv.abort_status.load() != 0) sweep();
      continue;
    }
    if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) break;  // no task left to notify
    if (fds[1].revents & POLLIN) break;
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si{};
      if (read(config.signal_fd, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        if (end.fatal_signal == 0 && !end.timed_out)
          end.fatal_signal = static_cast<int>(si.ssi_signo);
        stop_tree(128 + static_cast<int>(si.ssi_signo));
      }
    }
    if (fds[3].revents & POLLIN) {
      uint64_t expirations = 0;
      if (read(config.timer_fd, &expirations, sizeof expirations) > 0) {
        if (end.fatal_signal == 0) end.timed_out = true;
        stop_tree(kTimeoutExitStatus);
      }
    }
  }
  stop.store(true, std::memory_order_release);
  while (!receiver_left.load(std::memory_order_acquire)) {
    pthread_kill(receiver.native_handle(), kStopSignal);
    poll(nullptr, 0, 1);
  }
  receiver.join();
  return end;
}

}  // namespace sigvisor
