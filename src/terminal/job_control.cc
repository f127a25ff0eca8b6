// See job_control.h.
#include "terminal/job_control.h"

#include <pthread.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace sigvisor {

JobControl::JobControl(int tty, pid_t job_pgid, bool holds_terminal, Diagnostics& diag)
    : tty_(tty), job_pgid_(job_pgid), diag_(diag), job_holds_terminal_(holds_terminal) {}

bool JobControl::is_forwarded_stop(int sig) {
  return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

bool JobControl::sigvisor_in_foreground() const {
  return tty_ >= 0 && tcgetpgrp(tty_) == getpgrp();
}

// tcsetpgrp from a background group raises SIGTTOU unless it is blocked or ignored; it is
// blocked in every thread of sigvisor (read by the control loop), so this never stops us.
void JobControl::give_terminal_to(pid_t pgid) {
  if (tty_ < 0) return;
  if (tcsetpgrp(tty_, pgid) != 0) diag_.call_failed("tcsetpgrp", pgid, errno);
}

void JobControl::job_stopped(int sig) {
  std::lock_guard lock(mu_);
  // A background read or write while sigvisor itself is in the foreground (it was brought
  // there by `fg` while the job ran on): the job just needs the terminal.
  if ((sig == SIGTTIN || sig == SIGTTOU) && sigvisor_in_foreground()) {
    diag_.debug("job control: job wants the terminal; handing it over");
    give_terminal_to(job_pgid_);
    job_holds_terminal_ = true;
    ::kill(-job_pgid_, SIGCONT);
    return;
  }
  diag_.debug("job control: job stopped by %d; stopping sigvisor too", sig);
  if (job_holds_terminal_) {
    give_terminal_to(getpgrp());
    job_holds_terminal_ = false;
  }
  // Stop this whole process with the job's own signal (the shell names it: "Stopped (tty
  // input)"). It is blocked in every thread: unblocked here, in this thread only, and
  // raised at this thread, so the control loop's signalfd never sees it.
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  struct sigaction dfl {
  }, old{};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  const bool catchable = sig != SIGSTOP;
  if (catchable) sigaction(sig, &dfl, &old);
  if (observer_ != nullptr) observer_->before_stop();
  pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  raise(sig);  // returns once sigvisor is continued (fg, bg, SIGCONT)
  pthread_sigmask(SIG_BLOCK, &one, nullptr);
  if (catchable) sigaction(sig, &old, nullptr);
  diag_.debug("job control: sigvisor continued; continuing the job");
  if (observer_ != nullptr) observer_->after_continue();
  if (sigvisor_in_foreground()) {
    give_terminal_to(job_pgid_);
    job_holds_terminal_ = true;
  }
  ::kill(-job_pgid_, SIGCONT);
}

void JobControl::forward(int sig) {
  diag_.debug("job control: passing signal %d on to the job", sig);
  ::kill(-job_pgid_, sig);
}

void JobControl::restore_terminal() {
  std::lock_guard lock(mu_);
  if (!job_holds_terminal_) return;
  give_terminal_to(getpgrp());
  job_holds_terminal_ = false;
}

}  // namespace sigvisor
