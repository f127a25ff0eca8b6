// A signal (or a group stop) that reaches a task while its call waits in the seccomp
// notification queue, not yet received by the notify loop, aborts the wait (once received,
// WAIT_KILLABLE_RECV lets only fatal signals through): the call never ran, no event was
// recorded, and it returns -ERESTARTSYS, which a handler without SA_RESTART turns into an
// EINTR that natively none of our calls gives (the non-blocking ones cannot be interrupted,
// and the wait family fails with -EINTR or -ERESTARTNOHAND, never -ERESTARTSYS). What the
// call returns instead is what it would have done natively:
// - a call that does not block: the signal just came before it. -ERESTARTNOINTR makes the
//   kernel run the call again after the handler whatever SA_RESTART says, and the rerun
//   is notified, decided and recorded once.
// - a wait (pause, rt_sigsuspend, rt_sigtimedwait): the task was already in the call, so
//   the signal interrupted the wait, and the wait returns as it does then: pause and
//   rt_sigsuspend -ERESTARTNOHAND (EINTR after a handler, run again when none ran),
//   rt_sigtimedwait -EINTR. Running a wait again would have it sleep on for a signal that
//   has come and gone (interrupted_wait_test.cc).
// Only for calls of the table (indirect ones: routed commands only); a routed call that ran
// never leaves -ERESTARTSYS behind, so nothing native is changed. Neither does a call the
// filter plan leaves in the kernel (filter_plan.h: the mask, action, wait, fd and stack
// families when nothing needs them): those never return -ERESTARTSYS natively.
#pragma once

#include <sys/types.h>

#include <optional>

#include "kernel/syscall_arch.h"
#include "model/call_data.h"

namespace sigvisor {

// Kernel-internal restart codes (include/linux/errno.h), visible to a tracer in the
// return register at a signal-delivery stop.
inline constexpr long kErestartSys = 512;
inline constexpr long kErestartNoIntr = 513;
inline constexpr long kErestartNoHand = 514;

// The result an aborted notification of `sys` is given (see above).
long interrupted_result(Sys sys);

// At a signal-delivery stop of `tid`: if it is in a routed call whose notification was
// aborted, sets the call's native result. Returns the wait it interrupted, to be recorded
// with the result the program now sees (EINTR); nullopt otherwise (nothing to do, or a
// call that simply runs again and is recorded then).
std::optional<CallData> repair_aborted_notification(pid_t tid, const ArchMap& arch);

}  // namespace sigvisor
