// The hot path: receive a seccomp notification, read the arguments, decide, answer,
// record. Runs on its own thread; never waits for the ptrace thread.
#pragma once

#include "supervision.h"
#include "unique_fd.h"

namespace sigvisor {

struct NotifyLoopConfig {
  int listener = -1;
  int wake_fd = -1;    // eventfd: readable when the loop must stop
  int signal_fd = -1;  // signalfd for SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to sigvisor
};

// Returns when the listener hangs up (no task uses the filter any more) or wake_fd fires.
void run_notify_loop(const NotifyLoopConfig& config, Supervision& sv);

// Sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has it (6.6+).
bool enable_sync_wakeup(int listener);

}  // namespace sigvisor
