// The hot path: receive a seccomp notification, hand the call to the pipeline, answer.
// Runs on its own thread; never waits for the ptrace thread. It knows nothing of how the
// run ends: the control loop stops it (stop()) when the listener hangs up or the run is
// over.
#pragma once

#include <csignal>

#include <atomic>
#include <mutex>
#include <thread>

#include "run/run_state.h"

namespace sigvisor {

// Interrupts the receiver's blocking RECV when it must stop. The caller blocks it in
// every thread before starting the receiver (which unblocks it in its own thread only), so
// only the receiver's own pthread_kill() delivers it.
inline constexpr int kNotifyStopSignal = SIGURG;

class NotifyReceiver {
 public:
  NotifyReceiver(int listener, RunState& sv);
  ~NotifyReceiver();  // stops the thread if stop() was not called
  NotifyReceiver(const NotifyReceiver&) = delete;
  NotifyReceiver& operator=(const NotifyReceiver&) = delete;
  // Stops and joins the receiver thread. Idempotent, and safe from two threads at once
  // (the control loop on a hang-up, the run's end).
  void stop();

 private:
  void run();
  const int listener_;
  RunState& sv_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> left_{false};
  std::mutex stop_mu_;
  std::thread thread_;
};

// Sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has it (6.6+).
bool enable_sync_wakeup(int listener);

}  // namespace sigvisor
