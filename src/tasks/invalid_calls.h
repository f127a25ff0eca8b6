// Calls the kernel rejects on their arguments before it could signal anyone (DESIGN.md
// §6, Lifecycle): their target scope is `invalid`, and the program must get the
// kernel's own errno, not a policy's EPERM. Measured on Linux 6.18:
//   any send call with a signal outside 0..64        EINVAL (ESRCH, EBADF where the
//                                                      kernel looks up the target first)
//   kill(INT_MIN, ...)                                ESRCH
//   tkill(tid <= 0), tgkill / rt_tgsigqueueinfo with
//     tgid <= 0 or tid <= 0                           EINVAL
//   rt_sigqueueinfo(pid <= 0, ...)                    ESRCH (no groups, no broadcast)
//   pidfd_send_signal: unknown or several scope flags EINVAL; a negative fd other than
//     PIDFD_SELF_THREAD / _THREAD_GROUP, no such fd, or a file that is no pidfd EBADF
//   pidfd_open(pid <= 0) or unknown flags            EINVAL
// Only kill(-1, valid signal) broadcasts (scope `all`).
#pragma once

#include <sys/types.h>

#include <optional>

#include "model/call_data.h"
#include "model/scope.h"

namespace sigvisor {

// pidfd_send_signal's special fds (Linux 6.15): the calling thread, its thread group.
inline constexpr int kPidfdSelfThread = -10000;
inline constexpr int kPidfdSelfThreadGroup = -10001;

// The `invalid` target of `call` when the kernel will reject it on its arguments, else
// none. `fd_pid` is fd_target()'s answer (kNotAPidfd: the fd is no pidfd). Register-
// only reasons leave own_errno 0 (the call may go to the kernel: no other thread can
// change a register); a non-pidfd fd sets own_errno = EBADF.
std::optional<Target> invalid_target(const CallData& call, pid_t fd_pid);

}  // namespace sigvisor
