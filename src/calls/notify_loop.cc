// See notify_loop.h. The receiver blocks in RECV itself: a poll() before each receive cost
// ~1.5 us per call (bench/run.sh). It is stopped by kNotifyStopSignal, whose handler does
// nothing but make RECV fail with EINTR; the signal is sent until the thread has left.
#include "calls/notify_loop.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include "calls/call_decision.h"
#include "calls/call_pipeline.h"
#include "kernel/kernel_compat.h"
#include "kernel/syscall_arch.h"

namespace sigvisor {
namespace {

void on_stop_signal(int) {}

void install_stop_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;  // no SA_RESTART: RECV must return EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(kNotifyStopSignal, &sa, nullptr);
}

// A notification as a CallPort: pending while ID_VALID says so; answered by SEND.
class NotifyPort final : public CallPort {
 public:
  NotifyPort(int listener, uint64_t id) : listener_(listener), id_(id) {}
  bool still_pending() override {
    return ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &id_) == 0;
  }
  bool answer(const Decision& d) override {
    seccomp_notif_resp resp;
    std::memset(&resp, 0, sizeof resp);
    resp.id = id_;
    if (is_refusal(d.action)) {
      resp.error = -d.err;
    } else {
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    }
    return ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0;
  }

 private:
  const int listener_;
  uint64_t id_;
};

// True once no task carries the filter: nothing can be notified any more. RECV on such a
// listener returns ENOENT at once (6.6+ does not wait on an orphaned filter), so a
// receiver that took ENOENT for "a caller died" would spin until the control loop stopped
// it: ~5 ms of a CPU at the end of every run, measured, while the ptrace thread waited
// for that CPU to report the last exit.
bool orphaned(int listener) {
  pollfd p{listener, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) != 0;
}

void refuse_foreign(const seccomp_notif& req, NotifyPort& port, RunState& sv) {
  ForeignCallEvent ev;
  ev.caller = [&] {
    const TaskInfo t = sv.task(static_cast<pid_t>(req.pid));
    return ProcRef{t.tgid, t.tid, t.comm};
  }();
  ForeignCall f = ArchMap::describe_foreign(req.data.arch, req.data.nr);
  ev.abi = f.abi;
  ev.name = std::move(f.name);
  ev.nr = static_cast<uint64_t>(static_cast<uint32_t>(req.data.nr));
  for (std::size_t i = 0; i < ev.regs.size(); ++i) ev.regs[i] = req.data.args[i];
  ev.err = ENOSYS;
  Decision refuse;
  refuse.action = Action::deny;
  refuse.err = ENOSYS;
  if (sv.earlier_records != nullptr) sv.earlier_records->catch_up();
  sv.record(std::move(ev));
  (void)port.answer(refuse);
}

// Receives (blocking) and handles one notification. False when the receiver should leave:
// the filter is orphaned, or RECV failed for a reason other than an interruption (EINTR:
// the stop signal) or a caller that died (ENOENT).
bool handle_one(int listener, RunState& sv, const ArchMap& arch) {
  seccomp_notif req;
  std::memset(&req, 0, sizeof req);  // the kernel insists on a zeroed buffer
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
    if (errno == EINTR) return true;
    if (errno == ENOENT) {
      sv.empty_receives.fetch_add(1, std::memory_order_relaxed);
      return !orphaned(listener);
    }
    sv.diag.call_failed("ioctl(SECCOMP_IOCTL_NOTIF_RECV)", 0, errno);
    return false;
  }
  std::optional<std::chrono::steady_clock::time_point> started;
  if (sv.timed) started = std::chrono::steady_clock::now();
  NotifyPort port(listener, req.id);
  auto sys = arch.lookup(req.data.arch, req.data.nr);
  if (!sys) {
    // A call through an ABI sigvisor does not decode, sent here by a filter with
    // foreign_to_notify (an engine without ptrace): refused with ENOSYS and recorded.
    refuse_foreign(req, port, sv);
    return true;
  }
  PreparedCall c;
  c.started = started;
  CallData& call = c.ev.call;
  call.sys = *sys;
  call.arch = req.data.arch;
  for (int i = 0; i < 6; ++i) call.regs[i] = req.data.args[i];
  if (prepare_call(static_cast<pid_t>(req.pid), c, port, sv)) conclude_call(c, port, sv);
  return true;
}

}  // namespace

bool enable_sync_wakeup(int listener) {
  uint64_t flags = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
  return ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, flags) == 0;
}

NotifyReceiver::NotifyReceiver(int listener, RunState& sv) : listener_(listener), sv_(sv) {
  install_stop_handler();
  thread_ = std::thread([this] { run(); });
}

NotifyReceiver::~NotifyReceiver() {
  stop();
}

void NotifyReceiver::run() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, kNotifyStopSignal);
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
  const ArchMap arch;
  while (!stop_.load(std::memory_order_acquire)) {
    if (!handle_one(listener_, sv_, arch)) break;
  }
  left_.store(true, std::memory_order_release);
}

void NotifyReceiver::stop() {
  std::lock_guard lock(stop_mu_);
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  // Usually it has left already (the filter was orphaned when the last task exited). If
  // not, the signal interrupts its RECV; it is sent again in case it arrived before the
  // thread entered RECV. Short waits first: a fixed 1 ms sleep here was 1 ms of every run.
  for (int round = 0; !left_.load(std::memory_order_acquire); ++round) {
    pthread_kill(thread_.native_handle(), kNotifyStopSignal);
    const timespec pause{0, round < 20 ? 50'000 : 1'000'000};
    nanosleep(&pause, nullptr);
  }
  thread_.join();
}

}  // namespace sigvisor
