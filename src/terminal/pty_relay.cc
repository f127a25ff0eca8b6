// See pty_relay.h.
#include "terminal/pty_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "terminal/terminal_modes.h"

namespace sigvisor {
namespace {

// While no process holds the slave (the master polls as hung up), how often the relay
// looks whether one opened it again (/dev/tty), instead of spinning on POLLHUP.
constexpr int kHangupRetryMs = 100;
// While sigvisor is in the background, how often the relay looks whether it is in the
// foreground again: a shell's `fg` of a running job only hands it the terminal (no
// SIGCONT), and nothing else tells.
constexpr int kBackgroundCheckMs = 100;
// How long a write to the user's terminal may make no progress while the relay drains
// (before a stop, at the end) before the rest is dropped: a terminal nobody reads must
// not keep sigvisor from ending.
constexpr int kDrainWriteWaitMs = 5000;
// At most this much is drained at the end: a process outside the tree that still holds
// the slave and writes on cannot keep sigvisor from ending.
constexpr std::size_t kDrainCap = std::size_t{1} << 20;

Error failed(const char* what) {
  return make_error(std::string("pseudo-terminal for the program: ") + what + ": " +
                    std::strerror(errno) + " (--no-pty lets it share the terminal instead)");
}

// Descriptors 0-2 are the program's to inherit: ours must not land there even when
// sigvisor was started with one of them closed.
int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

bool same_terminal(int fd, const struct stat& tty) {
  struct stat st {};
  return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == tty.st_rdev;
}

}  // namespace

sigset_t pty_relay_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGWINCH);
  sigaddset(&s, SIGCONT);
  return s;
}

Result<std::unique_ptr<PtyRelay>> PtyRelay::open(int user_fd, std::optional<uid_t> owner) {
  std::unique_ptr<PtyRelay> r(new PtyRelay());
  // A description of our own (O_NONBLOCK set on the shell's shared one would outlive us);
  // if the terminal cannot be opened again (another user's, after su), a duplicate.
  const std::string self = "/proc/self/fd/" + std::to_string(user_fd);
  // Writes to a duplicate may block; reads never do (poll says when).
  r->user_.reset(above_stdio(::open(self.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)));
  if (!r->user_.valid()) r->user_.reset(fcntl(user_fd, F_DUPFD_CLOEXEC, 3));
  if (!r->user_.valid()) return failed("duplicating stdin");
  if (tcgetattr(r->user_.get(), &r->user_modes_) != 0) return failed("tcgetattr");
  winsize size{};
  const bool has_size = ioctl(r->user_.get(), TIOCGWINSZ, &size) == 0;

  r->master_.reset(above_stdio(posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)));
  if (!r->master_.valid()) return failed("posix_openpt");
  if (grantpt(r->master_.get()) != 0) return failed("grantpt");
  if (unlockpt(r->master_.get()) != 0) return failed("unlockpt");
  char name[128];
  if (ptsname_r(r->master_.get(), name, sizeof name) != 0) return failed("ptsname");
  r->slave_.reset(above_stdio(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)));
  if (!r->slave_.valid()) return failed(name);
  // Only root can give it away; without root, --user fails at launch with its own words.
  if (owner && geteuid() == 0 && fchown(r->slave_.get(), *owner, static_cast<gid_t>(-1)) != 0) {
    return failed("chown of the slave to the --user");
  }
  if (tcsetattr(r->slave_.get(), TCSANOW, &r->user_modes_) != 0) return failed("tcsetattr");
  if (has_size) ioctl(r->slave_.get(), TIOCSWINSZ, &size);
  const int flags = fcntl(r->master_.get(), F_GETFL);
  if (flags < 0 || fcntl(r->master_.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return failed("O_NONBLOCK on the master");
  }

  const sigset_t sigs = pty_relay_signals();
  r->signals_.reset(above_stdio(signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)));
  if (!r->signals_.valid()) return failed("signalfd");
  r->wake_.reset(above_stdio(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)));
  if (!r->wake_.valid()) return failed("eventfd");

  struct stat tty {};
  if (fstat(user_fd, &tty) != 0) return failed("fstat of stdin");
  r->child_.slave = r->slave_.get();
  r->child_.master = r->master_.get();
  for (int fd = 0; fd < 3; ++fd) r->child_.on_terminal[fd] = same_terminal(fd, tty);
  return r;
}

PtyRelay::~PtyRelay() {
  finish();
}

void PtyRelay::close_slave() {
  slave_.reset();
  child_.slave = -1;
}

void PtyRelay::start(Diagnostics& diag) {
  diag_ = &diag;
  std::lock_guard lock(mu_);
  if (running_ || finished_) return;
  // Raw before the program runs, so that nothing it reads was cooked by our side.
  enter_raw_if_foreground();
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void PtyRelay::before_stop() {
  ask(Request::suspend);
}

void PtyRelay::after_continue() {
  ask(Request::resume);
}

void PtyRelay::finish() {
  ask(Request::finish);
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  leave_raw();  // never entered unless the thread ran: then it left it already
}

// Hands a request to the relay thread and waits until it is done: the caller (the thread
// that stops sigvisor, or the end of the run) goes on only with the terminal as it asked.
void PtyRelay::ask(Request r) {
  std::lock_guard one(ask_mu_);
  std::unique_lock lock(mu_);
  if (!running_) return;
  request_ = r;
  const uint64_t ticket = ++asked_;
  uint64_t one_wake = 1;
  (void)!::write(wake_.get(), &one_wake, sizeof one_wake);
  answered_cv_.wait(lock, [&] { return answered_ >= ticket; });
}

void PtyRelay::run() {
  for (;;) {
    Request r = Request::none;
    {
      std::lock_guard lock(mu_);
      std::swap(r, request_);
    }
    if (r != Request::none) {
      const bool go_on = handle(r);
      std::lock_guard lock(mu_);
      answered_ = asked_;
      if (!go_on) running_ = false;
      answered_cv_.notify_all();
      if (!go_on) return;
      continue;
    }
    pump();
  }
}

bool PtyRelay::handle(Request r) {
  switch (r) {
    case Request::suspend:
      diag_->debug("pty relay: sigvisor stops: output written out, terminal modes restored");
      drain(kDrainCap);
      leave_raw();
      suspended_ = true;
      return true;
    case Request::resume:
      suspended_ = false;
      copy_settings();
      sync_size();
      enter_raw_if_foreground();
      diag_->debug("pty relay: sigvisor continued (%s)", raw_ ? "raw" : "background");
      return true;
    case Request::finish:
      drain(kDrainCap);
      leave_raw();
      diag_->debug("pty relay: finished");
      return false;
    case Request::none:
      break;
  }
  return true;
}

// Not our controlling terminal (ENOTTY): no job control applies to us there, so we may
// use it as if in the foreground.
bool PtyRelay::in_foreground() const {
  const pid_t fg = tcgetpgrp(user_.get());
  return fg < 0 ? errno == ENOTTY : fg == getpgrp();
}

void PtyRelay::enter_raw_if_foreground() {
  foreground_ = in_foreground();
  if (raw_ || suspended_ || !foreground_) return;
  if (tcgetattr(user_.get(), &user_modes_) != 0) return;
  // Read in the background, the settings were the shell's own of the moment (readline's,
  // say): the pty takes those a foreground job gets, as sudo does when foregrounded.
  tcsetattr(master_.get(), TCSANOW, &user_modes_);
  sync_size();
  const termios raw = relay_raw_mode(user_modes_);
  if (tcsetattr(user_.get(), TCSANOW, &raw) == 0) {
    raw_ = true;
    diag_->debug("pty relay: the user's terminal is raw");
  } else {
    diag_->call_failed("tcsetattr (user's terminal, raw)", 0, errno);
  }
}

// SIGTTOU is blocked in sigvisor: setting the modes works even from the background. A
// terminal that hung up has no modes to restore (and no one to warn).
void PtyRelay::leave_raw() {
  if (!raw_) return;
  raw_ = false;
  if (tcsetattr(user_.get(), TCSANOW, &user_modes_) != 0 && !user_gone_ && diag_ != nullptr) {
    diag_->call_failed("tcsetattr (user's terminal, restore)", 0, errno);
  }
}

void PtyRelay::sync_size() {
  winsize size{};
  if (ioctl(user_.get(), TIOCGWINSZ, &size) == 0) ioctl(master_.get(), TIOCSWINSZ, &size);
}

// The pty's termios ioctls on the master act on the slave.
void PtyRelay::copy_settings() {
  termios t{};
  if (tcgetattr(user_.get(), &t) == 0) tcsetattr(master_.get(), TCSANOW, &t);
}

void PtyRelay::pump() {
  const bool reading = raw_ && foreground_ && !user_eof_ && !user_gone_ && to_master_.empty();
  short user_events =
      static_cast<short>((reading ? POLLIN : 0) | (!to_user_.empty() && !user_gone_ ? POLLOUT : 0));
  short master_events = static_cast<short>((to_user_.empty() && !master_hup_ ? POLLIN : 0) |
                                           (!to_master_.empty() ? POLLOUT : 0));
  // poll reports a hang-up whatever was asked: a descriptor with nothing to wait for is
  // left out, or a hung-up one would wake the loop again and again.
  pollfd fds[4] = {{wake_.get(), POLLIN, 0},
                   {signals_.get(), POLLIN, 0},
                   {user_events != 0 ? user_.get() : -1, user_events, 0},
                   {master_events != 0 ? master_.get() : -1, master_events, 0}};
  const bool waiting_for_foreground = !raw_ && !suspended_;
  const int timeout = master_hup_              ? kHangupRetryMs
                      : waiting_for_foreground ? kBackgroundCheckMs
                                               : -1;
  const int n = poll(fds, 4, timeout);
  if (n < 0) {
    if (errno != EINTR) diag_->call_failed("poll (pty relay)", 0, errno);
    return;
  }
  if (n == 0) {
    master_hup_ = false;  // look again: a process may hold the slave again
    if (waiting_for_foreground) enter_raw_if_foreground();
    return;
  }
  if (fds[0].revents & POLLIN) {
    uint64_t count = 0;
    (void)!::read(wake_.get(), &count, sizeof count);
  }
  if (fds[1].revents & POLLIN) {
    signalfd_siginfo si{};
    while (::read(signals_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
      if (si.ssi_signo == SIGWINCH) sync_size();
      if (si.ssi_signo == SIGCONT) enter_raw_if_foreground();  // `fg` of a running job
    }
  }
  if (fds[3].revents & POLLIN) read_master();
  if (fds[3].revents & POLLOUT) flush(to_master_, master_.get(), false);
  if ((fds[3].revents & (POLLHUP | POLLERR)) && !(fds[3].revents & POLLIN)) master_hup_ = true;
  if (fds[2].revents & POLLIN) read_user();
  if (fds[2].revents & POLLOUT) flush(to_user_, user_.get(), true);
  if (fds[2].revents & (POLLHUP | POLLERR | POLLNVAL)) {
    diag_->debug("pty relay: the user's terminal hung up");
    user_eof_ = user_gone_ = true;
    to_user_.clear();
  }
}

void PtyRelay::read_user() {
  const ssize_t n = ::read(user_.get(), to_master_.data, sizeof to_master_.data);
  if (n > 0) {
    to_master_.len = static_cast<std::size_t>(n);
    to_master_.off = 0;
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  // EIO: read from the background (SIGTTIN is blocked), or a hung-up terminal.
  foreground_ = in_foreground();
  if (!foreground_) return;  // until SIGCONT says we may be in the foreground again
  diag_->debug("pty relay: end of the user's input");
  user_eof_ = true;
}

void PtyRelay::read_master() {
  const ssize_t n = ::read(master_.get(), to_user_.data, sizeof to_user_.data);
  if (n > 0) {
    to_user_.len = user_gone_ ? 0 : static_cast<std::size_t>(n);
    to_user_.off = 0;
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  master_hup_ = true;  // EIO: no process holds the slave
}

void PtyRelay::flush(Buffer& b, int fd, bool to_user) {
  const ssize_t n = ::write(fd, b.data + b.off, b.len - b.off);
  if (n > 0) {
    b.off += static_cast<std::size_t>(n);
    if (b.empty()) b.clear();
    return;
  }
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  // The user's terminal is gone (output is dropped from now on), or the program's side
  // cannot take input (what was typed is dropped).
  if (to_user) user_gone_ = true;
  b.clear();
}

void PtyRelay::write_to_user(const char* p, std::size_t n) {
  while (n > 0 && !user_gone_) {
    const ssize_t w = ::write(user_.get(), p, n);
    if (w > 0) {
      p += w;
      n -= static_cast<std::size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      pollfd pf{user_.get(), POLLOUT, 0};
      if (poll(&pf, 1, kDrainWriteWaitMs) > 0 && !(pf.revents & (POLLHUP | POLLERR))) continue;
      diag_->debug("pty relay: the user's terminal takes no output; the rest is dropped");
    }
    user_gone_ = true;
  }
}

void PtyRelay::drain(std::size_t cap) {
  if (!to_user_.empty()) write_to_user(to_user_.data + to_user_.off, to_user_.len - to_user_.off);
  to_user_.clear();
  char buf[4096];
  std::size_t total = 0;
  while (total < cap) {
    // A read that finds nothing waits for the pty's pending input processing first, so
    // what the program wrote before it ended is here.
    const ssize_t n = ::read(master_.get(), buf, sizeof buf);
    if (n > 0) {
      write_to_user(buf, static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;  // EAGAIN: nothing more for now; EIO: the program's side is closed and empty
  }
  diag_->debug("pty relay: drained %zu bytes", total);
}

}  // namespace sigvisor
