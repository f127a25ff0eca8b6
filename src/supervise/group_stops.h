// Group stops (job control: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU took effect) and the other
// PTRACE_EVENT_STOPs (the initial stop after PTRACE_SEIZE, PTRACE_INTERRUPT). A task in a
// group stop stays stopped under PTRACE_LISTEN, which still lets SIGCONT through: job
// control works as natively (a parent's waitpid(WUNTRACED) sees the stop).
#pragma once

#include "supervise/stop_context.h"
#include "supervise/stop_kind.h"

namespace sigvisor {

class GroupStops {
 public:
  explicit GroupStops(StopContext ctx) : c_(ctx) {}
  // Recorded as strace prints it (`--- stopped by SIGTSTP ---`), then the task stays stopped.
  Restart on_group_stop(const Stop& s) {
    c_.sv.record(StopEvent{ref_of(c_.sv.task(s.pid)), s.sig});
    return {Resume::listen};
  }
  Restart on_event_stop(const Stop&) { return {Resume::cont}; }

 private:
  StopContext c_;
};

}  // namespace sigvisor
