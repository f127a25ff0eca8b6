// A tracefs instance of sigvisor's own with signal:signal_generate on, as an RAII object.
//
// Instances are kept between runs as numbered slots (instances/sigvisor-slot-N): making
// one costs ~1 ms and removing one 30-50 ms (the kernel frees the ring buffers and waits
// out RCU readers), and back-to-back runs (a CI suite) queued behind the previous rmdir.
// A run claims the lowest free slot with flock() on its directory (after the program is
// forked: a child of ours would share the descriptor, and with it the lock). A claim
// turns the event off, drains what a previous holder left (one killed by SIGKILL could
// not turn it off), then turns it on; the destructor turns it off and lets the slot go on
// every way out of a run (normal end, errors, SIGINT/SIGTERM, which the control loop turns into
// a normal end); SIGKILL lets it go too, the kernel dropping the lock. An idle slot costs
// its ring buffers (buffer_size_kb per CPU) and nothing else; `rmdir` frees it.
//
// The instance is private so that nothing we set (options, the event) touches the global
// trace or another tool's instance. Per-run instances (sigvisor-PID) left by an older
// sigvisor that was killed are removed as before.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sigvisor {

class Diagnostics;

class TracefsInstance {
 public:
  // Where tracefs is looked for, and mounted if it is not there.
  static constexpr const char* kTracefs = "/sys/kernel/tracing";

  // An error says, in a few words, why the kernel trace is unavailable here.
  static Result<TracefsInstance> create(pid_t owner, const Diagnostics& diag);
  // How many slots there are: concurrent runs beyond this have no kernel trace.
  static constexpr int kSlots = 64;
  // The directory of slot `n`.
  static std::string slot_dir(int n);

  TracefsInstance(TracefsInstance&& o) noexcept;
  TracefsInstance& operator=(TracefsInstance&&) = delete;
  TracefsInstance(const TracefsInstance&) = delete;
  TracefsInstance& operator=(const TracefsInstance&) = delete;
  ~TracefsInstance();

  // The instance's trace_pipe, opened non-blocking: reads return EAGAIN when it is empty.
  int pipe_fd() const { return pipe_.get(); }
  const std::string& dir() const { return dir_; }

 private:
  TracefsInstance(std::string dir, UniqueFd lock, UniqueFd pipe)
      : dir_(std::move(dir)), lock_(std::move(lock)), pipe_(std::move(pipe)) {}
  std::string dir_;  // empty once moved from
  UniqueFd lock_;    // the slot's directory, flock()ed for as long as we hold it
  UniqueFd pipe_;
};

}  // namespace sigvisor
