// How the stop dispatcher lets go of a tree that is not to be killed (attach mode: detach
// from every task, and the processes run on as before). Only the tracer thread may make
// ptrace requests, while the request to let go comes from anywhere (the control loop on
// SIGINT or --timeout, the pipeline on a policy abort): the dispatcher asks, on its own
// thread, before each wait.
#pragma once

#include "engine/notify/ptrace_ops.h"

namespace sigvisor {

enum class ReleaseStep : uint8_t {
  hold,       // nothing asked: wait and resume as the front end's rule says
  releasing,  // wait, handle the stop as usual, then detach the task (RestartRule::detach)
  done,       // no task left to detach: stop waiting
};

class TreeRelease {
 public:
  virtual ~TreeRelease() = default;
  // Called by the dispatcher before each waitpid(). `woken`: the previous wait was
  // interrupted without a stop (the wake-up of a request, or of a sweep).
  virtual ReleaseStep before_wait(PtraceOps& ops, bool woken) = 0;
};

}  // namespace sigvisor
