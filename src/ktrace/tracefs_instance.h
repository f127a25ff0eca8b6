// A private tracefs instance (instances/sigvisor-PID) with signal:signal_generate on, as
// an RAII object: created (tracefs mounted first if it is not), configured and opened by
// create(); disabled and removed by the destructor on every way out of a run — normal
// end, errors, and SIGINT/SIGTERM to sigvisor (the control loop turns those into a normal
// end). What the destructor cannot run for (SIGKILL to sigvisor) is cleaned by the next
// sigvisor: create() removes `sigvisor-PID` instances whose PID is gone.
//
// The instance is private so that nothing we set (options, the event) touches the global
// trace or another tool's instance.
#pragma once

#include <sys/types.h>

#include <string>

#include "result.h"
#include "unique_fd.h"

namespace sigvisor {

class Diagnostics;

class TracefsInstance {
 public:
  // Where tracefs is looked for, and mounted if it is not there.
  static constexpr const char* kTracefs = "/sys/kernel/tracing";

  // An error says, in a few words, why the kernel trace is unavailable here.
  static Result<TracefsInstance> create(pid_t owner, const Diagnostics& diag);
  // The instance directory of sigvisor `pid` (tests look for it).
  static std::string dir_of(pid_t pid);

  TracefsInstance(TracefsInstance&& o) noexcept;
  TracefsInstance& operator=(TracefsInstance&&) = delete;
  TracefsInstance(const TracefsInstance&) = delete;
  TracefsInstance& operator=(const TracefsInstance&) = delete;
  ~TracefsInstance();

  // The instance's trace_pipe, opened non-blocking: reads return EAGAIN when it is empty.
  int pipe_fd() const { return pipe_.get(); }
  const std::string& dir() const { return dir_; }

 private:
  TracefsInstance(std::string dir, UniqueFd pipe) : dir_(std::move(dir)), pipe_(std::move(pipe)) {}
  std::string dir_;  // empty once moved from
  UniqueFd pipe_;
};

}  // namespace sigvisor
