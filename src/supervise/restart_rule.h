// How a front end turns a handler's "go on" into a ptrace request, as strace's
// seccomp_filter_restart_operator does. Launch mode sees signal calls through the seccomp
// filter, so a task runs freely (PTRACE_CONT) between events; attach mode has no filter
// and must stop at every syscall entry and exit (PTRACE_SYSCALL) to see its calls.
#pragma once

#include "supervise/stop_context.h"

namespace sigvisor {

enum class RestartRule : uint8_t {
  filtered,      // launch: PTRACE_CONT unless a handler asks for the exit stop
  every_syscall  // attach: PTRACE_SYSCALL wherever a handler says PTRACE_CONT
};

inline Restart apply_rule(RestartRule rule, Restart r) {
  if (rule == RestartRule::every_syscall && r.how == Resume::cont) r.how = Resume::syscall;
  return r;
}

}  // namespace sigvisor
