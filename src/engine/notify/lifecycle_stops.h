// Stops that change the tree: fork/vfork/clone (a new task joins the table), exec (a new
// image: name, path, argv; a non-leader that exec'd takes the leader's id) and exits (the
// task leaves the table; a SIGKILL death names its killer when a sandbox call sent it, or
// when the kernel trace saw the send).
#pragma once

#include "engine/notify/stop_context.h"
#include "engine/notify/stop_kind.h"

namespace sigvisor {

class LifecycleStops {
 public:
  explicit LifecycleStops(StopContext ctx) : c_(ctx) {}
  Restart on_spawn(const Stop& s);
  // Returns the tid the task had before exec (differs when a non-leader thread exec'd).
  pid_t on_exec(const Stop& s);
  void on_exit(const Stop& s);
  // The launched program's wait status, once it exited.
  int root_status() const { return root_status_; }

 private:
  void name_killer(ExitEvent& ev);
  StopContext c_;
  int root_status_ = 0;
};

}  // namespace sigvisor
