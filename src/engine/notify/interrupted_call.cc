// See interrupted_call.h.
#include "engine/notify/interrupted_call.h"

#include <cerrno>

#include "kernel/registers.h"

namespace sigvisor {

long interrupted_result(Sys sys) {
  switch (sys) {
    case Sys::pause:
    case Sys::rt_sigsuspend:
      return -kErestartNoHand;
    case Sys::rt_sigtimedwait:
      return -EINTR;
    default:
      return -kErestartNoIntr;
  }
}

std::optional<CallData> repair_aborted_notification(pid_t tid, const ArchMap& arch) {
  auto stopped = stopped_syscall(tid);
  if (!stopped || stopped->result != -kErestartSys || stopped->nr < 0) return std::nullopt;
  auto sys = arch.lookup(stopped->arch, static_cast<int>(stopped->nr));
  if (!sys) return std::nullopt;
  if (spec(*sys).family == Family::indirect && indirect_command(*sys, stopped->args) == nullptr) {
    return std::nullopt;  // not routed: a native result
  }
  const long result = interrupted_result(*sys);
  set_return(tid, result);
  if (result == -kErestartNoIntr) return std::nullopt;  // run again: recorded then
  CallData call;
  call.sys = *sys;
  call.arch = stopped->arch;
  call.regs = stopped->args;
  // What the program sees: EINTR (-ERESTARTNOHAND becomes EINTR after a handler; when
  // none runs the wait is made again, notified and recorded once more).
  call.retval = -EINTR;
  return call;
}

}  // namespace sigvisor
