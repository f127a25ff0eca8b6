// See control_loop.h.
#include "run/control_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "terminal/job_control.h"

namespace sigvisor {
namespace {

// While the tree is being ended, how often it is swept again for late-reported children.
constexpr int kSweepIntervalMs = 10;
// Otherwise how often the loop looks whether an end was requested elsewhere (policy abort).
constexpr int kIdleCheckMs = 50;

void arm(const UniqueFd& timer, double seconds) {
  if (!timer.valid()) return;
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(seconds);
  its.it_value.tv_nsec =
      static_cast<long>((seconds - static_cast<double>(its.it_value.tv_sec)) * 1e9);
  if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  timerfd_settime(timer.get(), 0, &its, nullptr);
}

bool expired(const UniqueFd& timer) {
  uint64_t expirations = 0;
  return read(timer.get(), &expirations, sizeof expirations) > 0;
}

}  // namespace

sigset_t supervisor_signals() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU}) sigaddset(&s, sig);
  return s;
}

ControlLoop::ControlLoop(RunState& sv, ControlOptions opts) : sv_(sv), opts_(opts) {
  end_.timeout_s = opts.timeout_s;
  end_.kill_after_s = opts.kill_after_s;
  auto made = [this](UniqueFd& fd, int value, const char* what) {
    fd.reset(value);
    if (value < 0 && ready_) {
      ready_ = make_error(std::string("control loop: ") + what + ": " + std::strerror(errno));
    }
  };
  made(wake_, eventfd(0, EFD_CLOEXEC), "eventfd");
  const sigset_t s = supervisor_signals();
  made(signals_, signalfd(-1, &s, SFD_CLOEXEC), "signalfd");
  if (opts.timeout_s > 0) made(timer_, timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), "timerfd");
  if (opts.kill_after_s > 0) {
    made(kill_timer_, timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), "timerfd");
  }
}

ControlLoop::~ControlLoop() {
  finish();
}

void ControlLoop::watch_hangup(int fd, std::function<void()> on_hangup) {
  if (fd >= 0) watches_.push_back(Watch{fd, std::move(on_hangup)});
}

void ControlLoop::start() {
  arm(timer_, opts_.timeout_s);
  thread_ = std::thread([this] { run(); });
}

RunEnd ControlLoop::finish() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    (void)!write(wake_.get(), &one, sizeof one);
    thread_.join();
  }
  end_.end_status = sv_.end_status();
  // The tree is gone: this kills nothing more, it counts what was killed.
  if (sv_.left_behind()) end_.left_behind = sv_.tree.end_tree();
  if (end_.end_status != 0 && end_.cause == RunEnd::Cause::program_exited) {
    end_.cause = RunEnd::Cause::policy_abort;
  }
  return end_;
}

void ControlLoop::end_tree(RunEnd::Cause cause, int status, int sig) {
  if (end_.cause == RunEnd::Cause::program_exited) {
    end_.cause = cause;
    end_.signal = sig;
  }
  sv_.end_run(status);
  end_.ended = sv_.tree.end_tree();
}

void ControlLoop::on_signal(const ReceivedSignal& s) {
  sv_.diag.debug("control: received signal %d from %d (code %d)", s.sig, static_cast<int>(s.sender),
                 s.code);
  sv_.catch_up();
  if (JobControl::is_forwarded_stop(s.sig)) {
    // Only while the program's root is alive and in the table: its group id cannot have
    // been reused.
    if (sv_.job != nullptr && sv_.table.find(sv_.root)) sv_.job->forward(s.sig);
    return;
  }
  // Attach mode owns no program: the signal lets go of the tree.
  if (sv_.tree.lets_go()) {
    end_tree(RunEnd::Cause::fatal_signal, 128 + s.sig, s.sig);
    return;
  }
  // The tree is being ended already (its program is gone, a policy abort, the force):
  // there is nothing left to ask.
  if (sv_.ending()) return;
  ReceivedSignal shaped = s;
  shaped.to_group = sv_.witness == nullptr || sv_.witness->reached_group(s.sig, s.sender, s.code);
  forward(shaped);
}

// Passed on, and recorded by the engine as its delivery (sender: the supervisor).
void ControlLoop::forward(const ReceivedSignal& s) {
  const RequestAction a = requests_.on_signal(s);
  sv_.diag.debug("control: signal %d to the %s: %s", s.sig, s.to_group ? "group" : "pid",
                 a.kind == RequestAction::Kind::forward ? "passed on"
                 : a.kind == RequestAction::Kind::widen ? "now to the whole group"
                 : a.kind == RequestAction::Kind::force ? "the force"
                                                        : "a copy of one passed on");
  switch (a.kind) {
    case RequestAction::Kind::force:
      if (end_.cause == RunEnd::Cause::program_exited) end_.forced = true;
      end_tree(RunEnd::Cause::fatal_signal, 128 + s.sig, s.sig);
      return;
    case RequestAction::Kind::none:
      return;
    case RequestAction::Kind::widen:
      sv_.copies.forwarded(a.id, s.sig, s.sender, s.when);
      (void)sv_.tree.forward_to_rest_of_group(s.sig);
      return;
    case RequestAction::Kind::forward:
      sv_.note_cancelling();
      sv_.copies.forwarded(a.id, s.sig, s.sender, s.when);
      if (sv_.tree.forward(s.sig, a.to_group) && forwarded_ == 0) {
        forwarded_ = s.sig;
        arm(kill_timer_, opts_.kill_after_s);
      }
      return;
  }
}

void ControlLoop::on_timeout() {
  sv_.diag.debug("control: timeout");
  sv_.catch_up();
  if (end_.cause == RunEnd::Cause::program_exited) {
    end_.cause = RunEnd::Cause::timeout;
    end_.signal = sv_.tree.lets_go() ? SIGKILL : opts_.timeout_signal;
  }
  sv_.set_end_status(kTimeoutExitStatus);
  if (opts_.timeout_signal == SIGKILL || sv_.tree.lets_go()) {
    sv_.end_run(kTimeoutExitStatus);
    end_.ended = sv_.tree.end_tree();
    return;
  }
  sv_.note_cancelling();
  // A request of sigvisor's own: each process is to get one copy of it.
  sv_.copies.forwarded(requests_.new_id(), opts_.timeout_signal, -1, monotonic_seconds());
  end_.signalled = sv_.tree.signal_tree(opts_.timeout_signal);
  arm(kill_timer_, opts_.kill_after_s);
}

void ControlLoop::on_kill_after() {
  sv_.diag.debug("control: --kill-after expired");
  sv_.catch_up();
  if (end_.cause == RunEnd::Cause::timeout) {
    end_.killed_after = true;
    sv_.end_run(kTimeoutExitStatus);
    end_.ended = sv_.tree.end_tree();
    return;
  }
  // The program ended by itself and left processes behind that did not end on what was
  // passed on: the run's status stays the program's.
  if (!sv_.table.find(sv_.root)) {
    sv_.end_left_behind();
    return;
  }
  end_tree(RunEnd::Cause::fatal_signal, 128 + forwarded_, forwarded_);
}

void ControlLoop::run() {
  // Fixed slots first, then the watched fds (events 0: POLLIN does not wake a hang-up
  // watch, only POLLHUP/POLLERR). Negative fds (no timer) are ignored by poll.
  std::vector<pollfd> fds = {{wake_.get(), POLLIN, 0},
                             {signals_.get(), POLLIN, 0},
                             {timer_.get(), POLLIN, 0},
                             {kill_timer_.get(), POLLIN, 0}};
  constexpr std::size_t kWatched = 4;
  for (const Watch& w : watches_) fds.push_back({w.fd, 0, 0});
  for (;;) {
    const int wait_ms = sv_.ending() ? kSweepIntervalMs : kIdleCheckMs;
    int n = poll(fds.data(), fds.size(), wait_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      sv_.diag.call_failed("poll (control loop)", 0, errno);
      return;
    }
    if (n == 0) {
      // A tree being ended (a policy abort decided in the pipeline included) is swept
      // every kSweepIntervalMs until the run is over.
      if (sv_.ending()) end_.ended = sv_.tree.end_tree();
      continue;
    }
    if (fds[0].revents & POLLIN) return;
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo si{};
      if (read(signals_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        ReceivedSignal r;
        r.sig = static_cast<int>(si.ssi_signo);
        r.sender = static_cast<pid_t>(si.ssi_pid);
        r.code = si.ssi_code;
        r.when = monotonic_seconds();
        on_signal(r);
      }
    }
    if ((fds[2].revents & POLLIN) && expired(timer_)) on_timeout();
    if ((fds[3].revents & POLLIN) && expired(kill_timer_)) on_kill_after();
    for (std::size_t i = 0; i < watches_.size(); ++i) {
      pollfd& p = fds[kWatched + i];
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
