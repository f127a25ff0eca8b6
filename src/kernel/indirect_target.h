// What a call's fd argument names, for target resolution (ProcessTable::resolve): a
// pidfd's pid, the current owner of an fd (F_SETSIG picks the signal that owner will
// get), or the foreground process group of the terminal behind an fd (TIOCSIG: the one it
// has; TIOCSPGRP: the one the call gives it). The owner and
// the foreground group are asked of the kernel through a duplicate of the tracee's fd
// (pidfd_getfd, Linux 5.6+; the supervisor is the tracer, so it may).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "model/call_data.h"

namespace sigvisor {

// fd_target() could not tell what an fd names.
inline constexpr pid_t kUnknownFdOwner = INT32_MIN;
// fd_target(): pidfd_send_signal's fd is no pidfd (the kernel answers EBADF).
inline constexpr pid_t kNotAPidfd = INT32_MIN + 1;

// pidfd_send_signal: the pidfd's pid, or a /proc/PID directory's (-1 unknown; kNotAPidfd
// when the kernel will answer EBADF: no such fd, or a file that is neither a pidfd nor a
// procfs directory). F_SETSIG: the fd's owner, TIOCSIG: -(foreground pgrp) of the pty
// whose master the fd is, TIOCSPGRP: -(the group it makes the foreground, from the
// captured *arg), all F_SETOWN-encoded (>0 pid, <0 -pgrp, 0 none) or kUnknownFdOwner.
// Other calls: -1.
pid_t fd_target(pid_t tid, const CallData& call);

}  // namespace sigvisor
