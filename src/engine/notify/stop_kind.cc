// See stop_kind.h.
#include "engine/notify/stop_kind.h"

#include <sys/ptrace.h>
#include <sys/wait.h>

#include <csignal>

namespace sigvisor {

Stop classify_stop(pid_t pid, int wait_status) {
  Stop s;
  s.pid = pid;
  s.status = wait_status;
  if (WIFEXITED(wait_status) || WIFSIGNALED(wait_status)) {
    s.kind = StopKind::exited;
    return s;
  }
  if (!WIFSTOPPED(wait_status)) return s;
  s.sig = WSTOPSIG(wait_status);
  s.event = wait_status >> 16;
  switch (s.event) {
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE:
      s.kind = StopKind::spawn;
      break;
    case PTRACE_EVENT_EXEC:
      s.kind = StopKind::exec;
      break;
    case PTRACE_EVENT_SECCOMP:
      s.kind = StopKind::seccomp;
      break;
    case PTRACE_EVENT_STOP:
      s.kind = s.sig == SIGSTOP || s.sig == SIGTSTP || s.sig == SIGTTIN || s.sig == SIGTTOU
                   ? StopKind::group_stop
                   : StopKind::event_stop;
      break;
    case 0:
      s.kind = s.sig == (SIGTRAP | 0x80) ? StopKind::syscall : StopKind::delivery;
      break;
    default:
      s.kind = StopKind::other_event;
  }
  return s;
}

std::string_view stop_kind_name(StopKind k) {
  constexpr std::string_view kNames[] = {"exited",      "spawn",      "exec",       "seccomp",
                                         "syscall",     "group_stop", "event_stop", "delivery",
                                         "other_event", "not_a_stop"};
  return kNames[static_cast<std::size_t>(k)];
}

}  // namespace sigvisor
