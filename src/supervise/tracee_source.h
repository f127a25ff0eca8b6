// Where the traced tree comes from: the front end. Launch (launch_source.h) starts a
// program under the seccomp filter and PTRACE_SEIZEs it before it execs; an attach front
// end seizes a running process and all its threads, has no filter, and detaches at the
// end. The rest of a run (the stop dispatcher, the pipeline, the control loop) does not
// care which.
#pragma once

#include <sys/types.h>

#include "result.h"
#include "supervise/restart_rule.h"
#include "tasks/process_table.h"

namespace sigvisor {

class TraceeSource {
 public:
  virtual ~TraceeSource() = default;
  // Starts or seizes the tree, which does not run on yet (launch) or is already running
  // (attach). Returns the tasks to put in the table first (the root first).
  virtual Result<std::vector<TaskInfo>> start() = 0;
  // The seccomp notification listener to receive calls from, or -1 (no filter).
  virtual int listener() const = 0;
  // How stopped tasks go on (restart_rule.h).
  virtual RestartRule restart_rule() const = 0;
  // Lets the tree run, once the supervisor is ready to receive its calls.
  virtual Status release() = 0;
  // After the last stop: gives back what the front end took (the terminal, ...).
  virtual void finish() = 0;
};

}  // namespace sigvisor
