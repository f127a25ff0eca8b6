// The hot path: receive a seccomp notification, read the arguments, decide, answer,
// record. Runs on its own thread; never waits for the ptrace thread.
#pragma once

#include <csignal>
#include <cstddef>

#include "supervise/run_state.h"
#include "unique_fd.h"

namespace sigvisor {

struct NotifyLoopConfig {
  int listener = -1;
  int wake_fd = -1;    // eventfd: readable when the loop must stop
  int signal_fd = -1;  // signalfd for SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to sigvisor
  int timer_fd = -1;   // timerfd for --timeout, or -1
};

// Interrupts the notify loop's blocking RECV when it must stop. The caller blocks it in
// every thread before starting the loop (the loop unblocks it in its receiver thread
// only), so only the loop's own pthread_kill() delivers it.
inline constexpr int kNotifyStopSignal = SIGURG;

// Exit status after --timeout (as timeout(1) has it).
inline constexpr int kTimeoutExitStatus = 124;

// Why the loop ended the tree early, if it did.
struct NotifyLoopEnd {
  int fatal_signal = 0;    // a signal to sigvisor killed the tree
  bool timed_out = false;  // --timeout expired and killed the tree
  std::size_t killed = 0;  // processes SIGKILLed by the loop (distinct thread groups)
};

// Returns when the listener hangs up (no task uses the filter any more) or wake_fd fires.
// A fatal signal or the timer kills the whole tree and sets sv.abort_status (128+N, 124);
// after any abort the loop sweeps the tree again every few milliseconds, so that children
// forked just before the kill (reported by ptrace later) die too.
NotifyLoopEnd run_notify_loop(const NotifyLoopConfig& config, RunState& sv);

// Sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has it (6.6+).
bool enable_sync_wakeup(int listener);

}  // namespace sigvisor
