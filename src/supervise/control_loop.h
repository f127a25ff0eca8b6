// The control plane of a run, on its own thread: signals to sigvisor (SIGINT, SIGTERM,
// SIGHUP, SIGQUIT through a signalfd: no handler, no global state), the --timeout timer,
// hang-ups of watched fds (the seccomp listener: no task uses the filter any more), and,
// once the run was ended early, sweeping the tree again every few milliseconds so that
// children forked just before the end (reported by ptrace later) end too. Every fd it
// needs is made in the constructor, before the program runs: sigvisor needs no new fd
// once the program started.
#pragma once

#include <csignal>
#include <functional>
#include <thread>
#include <vector>

#include "supervise/run_end.h"
#include "supervise/run_state.h"
#include "unique_fd.h"

namespace sigvisor {

// The signals that end a run when sent to sigvisor. Block them in every thread before
// starting any (the control loop reads them from its signalfd).
sigset_t run_ending_signals();

class ControlLoop {
 public:
  ControlLoop(RunState& sv, double timeout_s);
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  // Calls `on_hangup` (once, on the control thread) when `fd` hangs up. Before start().
  void watch_hangup(int fd, std::function<void()> on_hangup);
  // Arms the timer and starts the thread.
  void start();
  // The tree is gone: stops the thread. Returns why the loop ended the run, if it did.
  RunEnd finish();

 private:
  void run();
  void end_run(RunEnd::Cause cause, int status, int sig);

  RunState& sv_;
  const double timeout_s_;
  UniqueFd wake_;
  UniqueFd signals_;
  UniqueFd timer_;
  struct Watch {
    int fd;
    std::function<void()> on_hangup;
    bool fired = false;
  };
  std::vector<Watch> watches_;
  RunEnd end_;  // written by the control thread, read after join
  std::thread thread_;
};

}  // namespace sigvisor
