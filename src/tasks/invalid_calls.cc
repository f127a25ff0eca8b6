// See invalid_calls.h.
#include "tasks/invalid_calls.h"

#include <fcntl.h>

#include <cerrno>
#include <climits>

#include "tasks/scope_rules.h"

namespace sigvisor {
namespace {

constexpr int kMaxSignal = 64;  // the kernel's _NSIG: valid_signal() accepts 0..64
// pidfd_send_signal's flags: PIDFD_SIGNAL_THREAD, _THREAD_GROUP, _PROCESS_GROUP (6.9),
// at most one of them.
constexpr unsigned kPidfdSignalFlags = 1u | 2u | 4u;
// pidfd_open's flags: PIDFD_NONBLOCK (O_NONBLOCK) and PIDFD_THREAD (O_EXCL, 6.9).
constexpr unsigned kPidfdOpenFlags = O_NONBLOCK | O_EXCL;

int32_t arg(const CallData& call, int i) {
  return static_cast<int32_t>(call.regs[static_cast<std::size_t>(i)]);  // the kernel's int
}

bool has_signal_arg(const CallData& call) {
  const SyscallSpec& s = spec(call.sys);
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == Arg::sig) return true;
  }
  return false;
}

bool register_invalid(const CallData& call) {
  const int sig = signal_of(call);
  if (has_signal_arg(call) && (sig < 0 || sig > kMaxSignal)) return true;
  switch (call.sys) {
    case Sys::kill:
      return arg(call, 0) == INT_MIN;
    case Sys::tkill:
      return arg(call, 0) <= 0;
    case Sys::tgkill:
    case Sys::rt_tgsigqueueinfo:
      return arg(call, 0) <= 0 || arg(call, 1) <= 0;
    case Sys::rt_sigqueueinfo:
      return arg(call, 0) <= 0;
    case Sys::pidfd_send_signal: {
      const auto flags = static_cast<unsigned>(arg(call, 3));
      const unsigned scope = flags & kPidfdSignalFlags;
      if ((flags & ~kPidfdSignalFlags) != 0 || (scope & (scope - 1)) != 0) return true;
      const int fd = arg(call, 0);
      return fd < 0 && fd != kPidfdSelfThread && fd != kPidfdSelfThreadGroup;
    }
    case Sys::pidfd_open:
      return arg(call, 0) <= 0 || (static_cast<unsigned>(arg(call, 1)) & ~kPidfdOpenFlags) != 0;
    case Sys::setpgid:  // EINVAL
      return arg(call, 0) < 0 || arg(call, 1) < 0;
    default:
      return false;
  }
}

}  // namespace

std::optional<Target> invalid_target(const CallData& call, pid_t fd_pid) {
  const Family f = spec(call.sys).family;
  if (f != Family::send && call.sys != Sys::pidfd_open && call.sys != Sys::setpgid) {
    return std::nullopt;
  }
  Target t;
  t.scope = Scope::invalid;
  t.pid = call.sys == Sys::pidfd_send_signal ? 0 : arg(call, 0);  // an fd is no pid
  if (call.sys == Sys::setpgid) t.pid = -arg(call, 1);            // the group
  if (call.sys == Sys::tgkill || call.sys == Sys::rt_tgsigqueueinfo) t.tid = arg(call, 1);
  if (register_invalid(call)) return t;
  if (call.sys == Sys::pidfd_send_signal && fd_pid == kNotAPidfd) {
    t.own_errno = EBADF;
    return t;
  }
  return std::nullopt;
}

}  // namespace sigvisor
