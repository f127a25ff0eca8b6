// Group stops (job control: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU took effect) and the other
// PTRACE_EVENT_STOPs (the initial stop after PTRACE_SEIZE, PTRACE_INTERRUPT). A task in a
// group stop stays stopped under PTRACE_LISTEN, which still lets SIGCONT through: job
// control works as natively (a parent's waitpid(WUNTRACED) sees the stop).
#pragma once

#include "engine/notify/stop_context.h"
#include "engine/notify/stop_kind.h"

namespace sigvisor {

class GroupStops {
 public:
  explicit GroupStops(StopContext ctx) : c_(ctx) {}
  // Recorded as strace prints it (`--- stopped by SIGTSTP ---`), then the task stays
  // stopped. When the program's root stopped for job control (TSTP, TTIN, TTOU), the job
  // proxy stops sigvisor too (job_control.h) — after the task is listening, so that the
  // SIGCONT which ends both finds it ready.
  Restart on_group_stop(const Stop& s);
  Restart on_event_stop(const Stop&) { return {Resume::cont}; }

  // Whether a root stopped by `sig` makes sigvisor stop too. SIGSTOP does not: it is
  // what debuggers and `kill -STOP` use, and a program continued directly (not through
  // sigvisor) would then run on while its supervisor stays stopped.
  static bool stops_the_job(int sig);

 private:
  StopContext c_;
};

}  // namespace sigvisor
