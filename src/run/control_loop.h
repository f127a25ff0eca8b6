// The control plane of a run, on its own thread: signals to sigvisor (SIGINT, SIGTERM,
// SIGHUP, SIGQUIT through a signalfd: no handler, no global state), the --timeout and
// --kill-after timers, hang-ups of watched fds (the seccomp listener: no task uses the
// filter any more), and, once the tree is being ended, sweeping it again every few
// milliseconds so that children forked just before (reported by ptrace later) end too.
// Every fd it needs is made in the constructor, before the program runs: sigvisor needs
// no new fd once the program started.
//
// What it does, as timeout(1) and a job-control shell would (DESIGN.md sections 6, 11;
// docs/ci.md):
// - a signal to sigvisor is passed on to the program in the shape it was sent, to its
//   process group or to its first process (signal_requests.h: copies of one act are one
//   request); every later one likewise: escalation is the program's and its runner's.
//   --kill-after seconds after the first, what is left is killed (exit 128+N); a third
//   ^C from a terminal within a few seconds kills the tree at once (exit 130);
// - --timeout sends --timeout-signal (TERM) to the whole tree and SIGCONT to wake stopped
//   tasks, ends the tree --kill-after seconds later if anything is left, and the run exits
//   124 whatever the program then does.
#pragma once

#include <csignal>
#include <functional>
#include <thread>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "run/run_end.h"
#include "run/run_state.h"
#include "run/signal_requests.h"

namespace sigvisor {

// The signals sigvisor reads instead of obeying: those that end a run (INT, TERM, HUP,
// QUIT) and the job-control stops it passes on to the program (TSTP, TTIN, TTOU: so it
// never stops on its own terminal output either). Block them in every thread before
// starting any (the control loop reads them from its signalfd), and keep them blocked
// until sigvisor exits: one that comes after the program ended has nothing to reach and
// must neither kill sigvisor nor change its status (exit_as unblocks what it re-raises).
sigset_t supervisor_signals();

struct ControlOptions {
  double timeout_s = 0;          // --timeout; 0: none
  int timeout_signal = SIGTERM;  // --timeout-signal
  double kill_after_s = 0;       // --kill-after; 0: the tree is not killed after a signal
};

class ControlLoop {
 public:
  ControlLoop(RunState& sv, ControlOptions opts);
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  // Whether every descriptor the loop needs was made (none can be made later: a failure
  // here, e.g. EMFILE under a low RLIMIT_NOFILE, must end the run before the program runs).
  Status ready() const { return ready_; }
  // Calls `on_hangup` (once, on the control thread) when `fd` hangs up. Before start().
  void watch_hangup(int fd, std::function<void()> on_hangup);
  // Arms the timer and starts the thread.
  void start();
  // The tree is gone: stops the thread. Returns why the loop ended the run, if it did.
  RunEnd finish();

 private:
  void run();
  void on_signal(const ReceivedSignal& s);
  void forward(const ReceivedSignal& s);
  void on_timeout();
  void on_kill_after();
  void end_tree(RunEnd::Cause cause, int status, int sig);

  RunState& sv_;
  const ControlOptions opts_;
  Status ready_ = Ok{};
  UniqueFd wake_;
  UniqueFd signals_;
  UniqueFd timer_;
  UniqueFd kill_timer_;
  struct Watch {
    int fd;
    std::function<void()> on_hangup;
    bool fired = false;
  };
  std::vector<Watch> watches_;
  SignalRequests requests_;
  int forwarded_ = 0;  // the first signal passed on to the program, if one was
  RunEnd end_;         // written by the control thread, read after join
  std::thread thread_;
};

}  // namespace sigvisor
