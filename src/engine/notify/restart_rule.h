// How a front end turns a handler's "go on" into a ptrace request, as strace's
// seccomp_filter_restart_operator does. Launch mode sees signal calls through the seccomp
// filter, so a task runs freely (PTRACE_CONT) between events; attach mode has no filter
// and must stop at every syscall entry and exit (PTRACE_SYSCALL) to see its calls; and
// when attach mode lets go of the tree, every stop is the task's last (PTRACE_DETACH).
#pragma once

#include "engine/notify/stop_context.h"

namespace sigvisor {

enum class RestartRule : uint8_t {
  filtered,       // launch: PTRACE_CONT unless a handler asks for the exit stop
  every_syscall,  // attach: PTRACE_SYSCALL wherever a handler says PTRACE_CONT
  detach,         // attach, letting go (tree_release.h): PTRACE_DETACH at every stop
};

inline Restart apply_rule(RestartRule rule, Restart r) {
  if (rule == RestartRule::every_syscall && r.how == Resume::cont) r.how = Resume::syscall;
  if (rule == RestartRule::detach) {
    // The signal a delivery stop was to pass on is injected by the detach itself, so none
    // is lost. A task in a group stop (LISTEN) is detached with none: the kernel puts it
    // back into the group stop that is still in effect, as strace's detach() relies on.
    r.sig = r.how == Resume::listen ? 0 : r.sig;
    r.how = Resume::detach;
  }
  return r;
}

}  // namespace sigvisor
