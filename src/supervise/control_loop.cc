// See control_loop.h.
#include "supervise/control_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <cstdint>

namespace sigvisor {
namespace {

// After an early end, how often the tree is swept again for late-reported children.
constexpr int kSweepIntervalMs = 10;
// Otherwise how often the loop looks whether an end was requested elsewhere (policy abort).
constexpr int kIdleCheckMs = 50;

void arm(int timer, double seconds) {
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(seconds);
  its.it_value.tv_nsec =
      static_cast<long>((seconds - static_cast<double>(its.it_value.tv_sec)) * 1e9);
  if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  timerfd_settime(timer, 0, &its, nullptr);
}

}  // namespace

sigset_t run_ending_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&s, sig);
  return s;
}

ControlLoop::ControlLoop(RunState& sv, double timeout_s) : sv_(sv), timeout_s_(timeout_s) {
  wake_.reset(eventfd(0, EFD_CLOEXEC));
  const sigset_t s = run_ending_signals();
  signals_.reset(signalfd(-1, &s, SFD_CLOEXEC));
  if (timeout_s > 0) timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
}

ControlLoop::~ControlLoop() {
  finish();
}

void ControlLoop::watch_hangup(int fd, std::function<void()> on_hangup) {
  if (fd >= 0) watches_.push_back(Watch{fd, std::move(on_hangup)});
}

void ControlLoop::start() {
  if (timer_.valid()) arm(timer_.get(), timeout_s_);
  thread_ = std::thread([this] { run(); });
}

RunEnd ControlLoop::finish() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    (void)!write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
  end_.end_status = sv_.end_status();
  if (end_.end_status != 0 && end_.cause == RunEnd::Cause::program_exited) {
    end_.cause = RunEnd::Cause::policy_abort;
  }
  return end_;
}

void ControlLoop::end_run(RunEnd::Cause cause, int status, int sig) {
  if (end_.cause == RunEnd::Cause::program_exited) {
    end_.cause = cause;
    end_.signal = sig;
  }
  sv_.end_run(status);
  end_.ended = sv_.tree.end_tree();
}

void ControlLoop::run() {
  // Fixed slots first, then the watched fds (events 0: POLLIN does not wake a hang-up
  // watch, only POLLHUP/POLLERR).
  std::vector<pollfd> fds = {
      {wake_.get(), POLLIN, 0}, {signals_.get(), POLLIN, 0}, {timer_.get(), POLLIN, 0}};
  for (const Watch& w : watches_) fds.push_back({w.fd, 0, 0});
  for (;;) {
    const int wait_ms = sv_.end_status() != 0 ? kSweepIntervalMs : kIdleCheckMs;
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      sv_.diag.call_failed("poll (control loop)", 0, errno);
      return;
    }
    if (n == 0) {
      // An end requested by the pipeline (policy abort) is noticed here; then the tree is
      // swept every kSweepIntervalMs until the run is over.
      if (sv_.end_status() != 0) end_.ended = sv_.tree.end_tree();
      continue;
    }
    if (fds[0].revents & POLLIN) return;
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si{};
      if (read(signals_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        const int sig = static_cast<int>(si.ssi_signo);
        sv_.diag.debug("control: received signal %d", sig);
        end_run(RunEnd::Cause::fatal_signal, 128 + sig, sig);
      }
    }
    if (fds[2].revents & POLLIN) {
      uint64_t expirations = 0;
      if (read(timer_.get(), &expirations, sizeof expirations) > 0) {
        sv_.diag.debug("control: timeout");
        end_run(RunEnd::Cause::timeout, kTimeoutExitStatus, 0);
      }
    }
    for (std::size_t i = 0; i < watches_.size(); ++i) {
      pollfd& p = fds[3 + i];
      if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
        sv_.diag.debug("control: fd %d hung up", p.fd);
        p.fd = -1;  // poll ignores negative fds from now on
        if (!watches_[i].fired) {
          watches_[i].fired = true;
          watches_[i].on_hangup();
        }
      }
    }
  }
}

}  // namespace sigvisor
