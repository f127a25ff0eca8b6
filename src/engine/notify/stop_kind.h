// What a wait status from waitpid(__WALL) on a traced task means, as one value: the stop
// dispatcher classifies first, then hands each kind to its handler. Pure: unit-tested on
// hand-made statuses.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>

namespace sigvisor {

enum class StopKind : uint8_t {
  exited,       // the task ended (exit or fatal signal): status holds how
  spawn,        // PTRACE_EVENT_FORK / VFORK / CLONE: event says which
  exec,         // PTRACE_EVENT_EXEC
  seccomp,      // PTRACE_EVENT_SECCOMP: a SECCOMP_RET_TRACE'd call at its entry
  syscall,      // a syscall-entry or -exit stop (PTRACE_O_TRACESYSGOOD: SIGTRAP|0x80)
  group_stop,   // PTRACE_EVENT_STOP with a stopping signal: the task stopped (job control)
  event_stop,   // PTRACE_EVENT_STOP otherwise: the initial stop after SEIZE, or INTERRUPT
  delivery,     // a signal is about to be delivered: sig says which
  other_event,  // PTRACE_EVENT_EXIT, VFORK_DONE and anything newer
  not_a_stop,   // a status that is none of these (WIFCONTINUED...)
};

struct Stop {
  pid_t pid = 0;
  StopKind kind = StopKind::not_a_stop;
  int sig = 0;     // WSTOPSIG for stops
  int event = 0;   // PTRACE_EVENT_* for event stops
  int status = 0;  // the raw wait status
};

Stop classify_stop(pid_t pid, int wait_status);
std::string_view stop_kind_name(StopKind k);

}  // namespace sigvisor
