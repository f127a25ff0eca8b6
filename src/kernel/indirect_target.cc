// See indirect_target.h. Runs only for F_SETSIG, TIOCSIG and TIOCSPGRP (rare), so the few
// syscalls it costs do not matter; pidfd_send_signal reads /proc fdinfo, and steals the fd
// only when that shows no pidfd.
#include "kernel/indirect_target.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <climits>
#include <cstdio>
#include <cstring>

#include <linux/magic.h>

#include "base/unique_fd.h"
#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {

#ifndef PIDFD_THREAD
constexpr unsigned kPidfdThread = O_EXCL;  // Linux 6.9: a pidfd for a thread
#else
constexpr unsigned kPidfdThread = PIDFD_THREAD;
#endif

// A duplicate of thread `tid`'s fd `fd` (its own fd table, should it have unshared one).
UniqueFd steal_fd(pid_t tid, int fd) {
  long pidfd = syscall(SYS_pidfd_open, tid, kPidfdThread);
  if (pidfd < 0) pidfd = syscall(SYS_pidfd_open, tid, 0);  // before 6.9: leaders only
  if (pidfd < 0) return UniqueFd(-1);
  UniqueFd pf(static_cast<int>(pidfd));
  return UniqueFd(static_cast<int>(syscall(SYS_pidfd_getfd, pf.get(), fd, 0)));
}

pid_t fd_owner(pid_t tid, int fd) {
  UniqueFd dup = steal_fd(tid, fd);
  if (!dup.valid()) return kUnknownFdOwner;
  f_owner_ex o{};
  if (fcntl(dup.get(), F_GETOWN_EX, &o) != 0) return kUnknownFdOwner;
  return o.type == F_OWNER_PGRP ? -o.pid : o.pid;
}

// On a pty master, TIOCGPGRP reports the slave's foreground group with no controlling-
// terminal check; on anything else it fails (and TIOCSIG would fail too).
pid_t fd_foreground(pid_t tid, int fd) {
  UniqueFd dup = steal_fd(tid, fd);
  if (!dup.valid()) return kUnknownFdOwner;
  pid_t pgrp = 0;
  if (ioctl(dup.get(), TIOCGPGRP, &pgrp) != 0 || pgrp < 0) return kUnknownFdOwner;
  return -pgrp;
}

// The process a /proc/PID directory names (pidfd_send_signal accepts one as a pidfd; its
// fdinfo has no pid, CPython's test_signal uses it): the directory must sit right under
// the procfs root (inode 1 of the same filesystem), and its name is the pid. -1 otherwise.
pid_t proc_directory_pid(int dup) {
  struct stat self {
  }, parent{};
  if (fstat(dup, &self) != 0 || !S_ISDIR(self.st_mode)) return -1;
  if (fstatat(dup, "..", &parent, 0) != 0 || parent.st_dev != self.st_dev || parent.st_ino != 1) {
    return -1;
  }
  char link[64];
  char path[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", dup);
  ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0) return -1;
  path[n] = '\0';
  const char* name = std::strrchr(path, '/');
  if (name == nullptr || name[1] == '\0') return -1;
  pid_t pid = 0;
  for (const char* c = name + 1; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || pid > 100000000) return -1;
    pid = pid * 10 + (*c - '0');
  }
  return pid > 0 ? pid : -1;
}

// What pidfd_send_signal will find behind `fd`: a pidfd's pid, a /proc/PID directory's
// pid, kNotAPidfd for what the kernel refuses with EBADF, or -1 when it cannot be told
// (another procfs file: /proc/PID/task/TID gives EBADF, others may not; doubt is -1).
pid_t pidfd_target(pid_t tid, int fd) {
  FdTarget t = read_fd_target(tid, fd);
  if (t.kind == FdKind::pidfd) return t.pid;
  if (t.kind == FdKind::no_such_fd) return kNotAPidfd;
  if (t.kind == FdKind::unknown) return -1;
  UniqueFd dup = steal_fd(tid, fd);
  struct statfs fs {};
  if (!dup.valid() || fstatfs(dup.get(), &fs) != 0) return -1;
  if (fs.f_type == PROC_SUPER_MAGIC) return proc_directory_pid(dup.get());
  return kNotAPidfd;
}

// TIOCSPGRP: the group the call makes the terminal's foreground, read from *arg (already
// captured with the call's other in-pointers). The kernel refuses a group <= 0 (EINVAL);
// 0 aims at nobody, a negative id or an unreadable pointer is a group we cannot vouch for.
pid_t new_foreground(const CallData& call, const IndirectCommand& cmd) {
  const SyscallSpec& s = spec(call.sys);
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] != Arg::by_command || cmd.arg != Arg::pid_ptr_in) continue;
    const UserBuffer& b = call.mem[static_cast<std::size_t>(i)];
    int32_t pgrp = 0;
    if (!b.read || !b.ok || b.size < sizeof pgrp) return kUnknownFdOwner;
    std::memcpy(&pgrp, b.bytes.data(), sizeof pgrp);
    return pgrp >= 0 ? -pgrp : kUnknownFdOwner;
  }
  return kUnknownFdOwner;
}

}  // namespace

pid_t fd_target(pid_t tid, const CallData& call) {
  const int fd = static_cast<int>(call.regs[0]);
  if (call.sys == Sys::pidfd_send_signal) {
    if (fd < 0) return -1;  // PIDFD_SELF_* or EBADF: the registers say (scope_rules)
    return pidfd_target(tid, fd);
  }
  const IndirectCommand* cmd = indirect_command(call.sys, call.regs);
  if (cmd == nullptr) return -1;
  if (cmd->aim == Aim::fd_owner) return fd_owner(tid, fd);
  if (cmd->aim == Aim::fd_foreground && is_in_pointer(cmd->arg)) return new_foreground(call, *cmd);
  if (cmd->aim == Aim::fd_foreground) return fd_foreground(tid, fd);
  return -1;
}

}  // namespace sigvisor
