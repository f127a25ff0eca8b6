// The job-control proxy, as sudo's monitor and script(1) do it: to the shell that started
// sigvisor, sigvisor *is* the job, so it must stop when the program's job stops and go on
// when it is continued (DESIGN.md section 6).
// - When the launched program stops (^Z, a background read of the terminal, SIGSTOP...),
//   sigvisor takes the terminal back (if it gave it away) and stops itself with the same
//   signal: the shell prints "Stopped" / "Stopped (tty input)" and gets its prompt back.
// - When sigvisor is continued (fg, bg, SIGCONT), it hands the terminal to the program's
//   group if sigvisor is now in the foreground, and continues the program's group.
// - SIGTSTP, SIGTTIN and SIGTTOU sent to sigvisor itself are passed on to the program's
//   group (they are blocked in sigvisor and read by the control loop, so sigvisor never
//   stops on its own output or input either).
// Without a terminal the same holds, less the terminal: a parent's waitpid(WUNTRACED) on
// sigvisor sees the program's stop.
#pragma once

#include <sys/types.h>

#include <mutex>

#include "base/diagnostics.h"

namespace sigvisor {

// What else stops and goes on with sigvisor: the pty relay (pty_relay.h) gives the user's
// terminal its own modes back before sigvisor stops, and takes it into raw mode again
// once sigvisor is continued in the foreground. Called on the thread that stops.
class StopObserver {
 public:
  virtual ~StopObserver() = default;
  virtual void before_stop() = 0;
  virtual void after_continue() = 0;
};

class JobControl {
 public:
  // `tty`: the terminal sigvisor shares with the program (its stdin), or -1. `job_pgid`:
  // the program's process group. `holds_terminal`: the program's group was made the
  // terminal's foreground group at launch.
  JobControl(int tty, pid_t job_pgid, bool holds_terminal, Diagnostics& diag);
  // With a pty relay the program has a terminal of its own (`tty` is then -1: ours is
  // never handed over) and the relay observes sigvisor's stops. Before the run starts.
  void set_observer(StopObserver* o) { observer_ = o; }

  // The program's root process entered a group stop with `sig`. Called on the thread
  // that traces the tree; returns once sigvisor was continued and the job with it.
  void job_stopped(int sig);
  // A stop signal sent to sigvisor: passed on to the program's group.
  void forward(int sig);
  // At the end of the run: the terminal goes back to sigvisor's own group.
  void restore_terminal();

  // Whether `sig` is one sigvisor passes on rather than obeys (TSTP, TTIN, TTOU).
  static bool is_forwarded_stop(int sig);

 private:
  void give_terminal_to(pid_t pgid);
  bool sigvisor_in_foreground() const;

  const int tty_;
  const pid_t job_pgid_;
  Diagnostics& diag_;
  StopObserver* observer_ = nullptr;
  std::mutex mu_;
  bool job_holds_terminal_;
};

}  // namespace sigvisor
