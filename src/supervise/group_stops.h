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
  Restart on_group_stop(const Stop&) { return {Resume::listen}; }
  Restart on_event_stop(const Stop&) { return {Resume::cont}; }

 private:
  [[maybe_unused]] StopContext c_;
};

}  // namespace sigvisor
