// See group_witness.h.
#include "run/group_witness.h"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <utility>

#include "run/copy_ledger.h"

namespace sigvisor {
namespace {

constexpr int kHeld[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
// A reply: what the witness had pending (at most one of each: they are standard signals).
struct Reply {
  int count = 0;
  struct Entry {
    int sig;
    pid_t pid;
    int code;
  } entries[4];
};
// How long sigvisor waits for an answer: a witness that does not answer (stopped by a
// SIGSTOP aimed at it) must not hold the control loop; the signal is then taken as sent
// to the group.
constexpr int kAnswerMs = 3000;
// Copies the witness held that matched nothing yet are kept this long for a later ask
// (the same act's other copy to sigvisor may still come).
constexpr double kKeepSeconds = 2.0;

sigset_t held_set() {
  sigset_t s;
  sigemptyset(&s);
  for (int sig : kHeld) sigaddset(&s, sig);
  return s;
}

// The witness itself: async-signal-safe calls only (sigvisor may have threads later).
[[noreturn]] void witness_main(int sock, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(0);
  prctl(PR_SET_NAME, "sigvisor-group");
  const sigset_t held = held_set();
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sigaction(sig, sigismember(&held, sig) ? &dfl : &ign, nullptr);
  }
  sigprocmask(SIG_SETMASK, &held, nullptr);
  if (sock != 0) {
    dup2(sock, 0);
    sock = 0;
  }
  syscall(SYS_close_range, 1U, ~0U, 0U);
  for (;;) {
    char c = 0;
    ssize_t n = read(sock, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);
    Reply r;
    timespec zero{0, 0};
    siginfo_t si;
    while (r.count < 4 && sigtimedwait(&held, &si, &zero) > 0) {
      r.entries[r.count++] = Reply::Entry{si.si_signo, si.si_pid, si.si_code};
    }
    if (send(sock, &r, sizeof r, MSG_NOSIGNAL) < 0) _exit(0);
  }
}

}  // namespace

bool witnessed_signal(int sig) {
  for (int s : kHeld) {
    if (s == sig) return true;
  }
  return false;
}

Result<GroupWitness> GroupWitness::start() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(std::string("group witness: socketpair: ") + std::strerror(errno));
  }
  UniqueFd ours(sv[0]);
  UniqueFd theirs(sv[1]);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) return make_error(std::string("group witness: fork: ") + std::strerror(errno));
  if (pid == 0) witness_main(theirs.get(), parent);
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  return GroupWitness(pid, std::move(ours), std::move(pidfd));
}

GroupWitness::GroupWitness(GroupWitness&& o) noexcept
    : pid_(std::exchange(o.pid_, 0)),
      sock_(std::move(o.sock_)),
      pidfd_(std::move(o.pidfd_)),
      held_(std::move(o.held_)) {}

GroupWitness& GroupWitness::operator=(GroupWitness&& o) noexcept {
  if (this != &o) {
    end();
    pid_ = std::exchange(o.pid_, 0);
    sock_ = std::move(o.sock_);
    pidfd_ = std::move(o.pidfd_);
    held_ = std::move(o.held_);
  }
  return *this;
}

GroupWitness::~GroupWitness() {
  end();
}

void GroupWitness::end() {
  if (pid_ <= 0) return;
  stop();
  // Reaped already if a wait for any child of sigvisor took it (the ptrace loop does):
  // then both calls fail (ESRCH, ECHILD) without naming another process.
  if (pidfd_.valid()) {
    syscall(SYS_pidfd_send_signal, pidfd_.get(), SIGKILL, nullptr, 0U);
    siginfo_t si{};
    waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &si, WEXITED);
  }
  pid_ = 0;
}

void GroupWitness::stop() {
  if (sock_.valid()) shutdown(sock_.get(), SHUT_RDWR);
}

bool GroupWitness::ask() {
  const char c = 1;
  if (send(sock_.get(), &c, 1, MSG_NOSIGNAL) != 1) return false;
  pollfd p{sock_.get(), POLLIN, 0};
  if (poll(&p, 1, kAnswerMs) != 1) return false;
  Reply r;
  if (recv(sock_.get(), &r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) return false;
  const double t = monotonic_seconds();
  for (int i = 0; i < r.count && i < 4; ++i) {
    held_.push_back(Held{{r.entries[i].sig, r.entries[i].pid, r.entries[i].code}, t});
  }
  return true;
}

bool GroupWitness::reached_group(int sig, pid_t sender, int code) {
  if (pid_ <= 0 || !sock_.valid()) return true;
  auto take = [&] {
    const double t = monotonic_seconds();
    for (auto it = held_.begin(); it != held_.end();) {
      if (t - it->when > kKeepSeconds) {
        it = held_.erase(it);
      } else if (it->copy.sig == sig && it->copy.sender == sender && it->copy.code == code) {
        held_.erase(it);
        return true;
      } else {
        ++it;
      }
    }
    return false;
  };
  if (take()) return true;
  if (!ask()) return true;
  return take();
}

}  // namespace sigvisor
