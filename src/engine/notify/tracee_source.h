// Where the traced tree comes from: the front end. Launch (launch_source.h) starts a
// program under the seccomp filter and PTRACE_SEIZEs it before it execs; attach
// (attach_source.h) seizes running processes and all their threads, has no filter, and
// detaches at the end. The rest of a run (the stop dispatcher, the pipeline, the control
// loop) does not care which.
#pragma once

#include <sys/types.h>

#include <memory>

#include "base/result.h"
#include "engine/notify/restart_rule.h"
#include "run/tree_control.h"
#include "tasks/process_table.h"

namespace sigvisor {

class TraceeSource {
 public:
  virtual ~TraceeSource() = default;
  // Starts or seizes the tree, which does not run on yet (launch) or is already running
  // (attach). Returns the tasks to put in the table first (the root first).
  virtual Result<std::vector<TaskInfo>> start() = 0;
  // Tells the table, once start()'s tasks are in it, what else the front end knows about
  // them (attach: each process's executable, which launch learns from the exec event).
  virtual void describe(ProcessTable&) const {}
  // What ending the tree does (tree_control.h): launch kills it, attach detaches from it.
  virtual std::unique_ptr<TreeControl> make_tree(const ProcessTable& table, pid_t root) = 0;
  // A process of sigvisor's own started beside the tree (launch with a pty: the session's
  // keeper, pty_session.h), or 0. It is sigvisor to the scope rules, and its exit (sigvisor
  // reaps it) is not the tree's.
  virtual pid_t session_keeper() const { return 0; }
  // The seccomp notification listener to receive calls from, or -1 (no filter).
  virtual int listener() const = 0;
  // How stopped tasks go on (restart_rule.h).
  virtual RestartRule restart_rule() const = 0;
  // Lets the tree run, once the supervisor is ready to receive its calls.
  virtual Status release() = 0;
  // After the last stop: gives back what the front end took (the terminal, ...).
  virtual void finish() = 0;
  // Whether the program's group was given the terminal at start; from then on the caller
  // (the job-control proxy) gives it back, not finish(). Attach: never.
  virtual bool hand_over_terminal() { return false; }
};

}  // namespace sigvisor
