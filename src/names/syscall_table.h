// The signal syscalls sigvisor knows: names, families, and the kind of every argument.
// One table drives interception (which syscalls the filter routes), reading of pointer
// arguments from tracee memory, decoding, and policy matching by name or family.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sigvisor {

enum class Sys : uint8_t {
  kill,
  tkill,
  tgkill,
  rt_sigqueueinfo,
  rt_tgsigqueueinfo,
  pidfd_send_signal,
  pidfd_open,
  rt_sigprocmask,
  rt_sigaction,
  signalfd,
  signalfd4,
  rt_sigtimedwait,
  rt_sigsuspend,
  pause,
  rt_sigpending,
  sigaltstack,
  rt_sigreturn,
  // Indirect routes (DESIGN.md section 9): only the commands in indirect_commands() are
  // intercepted; every other fcntl/ioctl/prctl stays in the kernel.
  fcntl,
  ioctl,
  prctl,
  // Resource limits of another process: RLIMIT_CPU makes the kernel kill it, RLIMIT_FSIZE or
  // RLIMIT_NOFILE on the supervisor kill it or defeat --timeout (DESIGN.md section 9).
  prlimit64,
  // Joining a process group: a group with a member outside the tree makes kill(0) reach
  // outside (DESIGN.md section 9); routed only when the group is named (pgid > 0).
  setpgid,
  count_
};
inline constexpr std::size_t kSysCount = static_cast<std::size_t>(Sys::count_);

// Families as named in DESIGN.md section 3 and usable in `-e trace=` and policies.
// `indirect`: calls that aim a signal at a process without sending it now (F_SETOWN,
// F_SETSIG, PR_SET_PDEATHSIG) or send it through a device (TIOCSIG).
// `limit`: calls that change (or read) another process's resource limits (prlimit64).
// `pgrp`: calls that move a process into a process group (setpgid); their target is the
// group, resolved like kill's -pgid.
enum class Family : uint8_t { send, mask, action, wait, fd, stack, indirect, limit, pgrp, other };

// Families whose calls have a target (Target, policy `target` rules).
inline constexpr bool has_target(Family f) {
  return f == Family::send || f == Family::indirect || f == Family::limit || f == Family::pgrp;
}

// What an argument holds; decides how it is read from the tracee and printed.
enum class Arg : uint8_t {
  none,
  pid,           // kill/rt_sigqueueinfo target: >0 pid, 0 own group, -1 all, <-1 group
  tid,           // a thread id
  sig,           // a signal number
  fd,            // a file descriptor (pidfd, signalfd's fd)
  how,           // SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK
  size,          // sigsetsize / sizemask
  pidfd_flags,   // pidfd_send_signal / pidfd_open flags
  sfd_flags,     // SFD_NONBLOCK | SFD_CLOEXEC
  siginfo_in,    // const siginfo_t*
  siginfo_out,   // siginfo_t* filled by the kernel
  sigset_in,     // const sigset_t* (size from the syscall's size argument)
  sigset_out,    // sigset_t* filled by the kernel
  sigaction_in,  // const struct sigaction* (kernel layout)
  sigaction_out,
  stack_in,  // const stack_t*
  stack_out,
  timespec_in,  // const struct timespec*
  command,      // fcntl cmd / ioctl request / prctl option (low 32 bits, as the kernel reads it)
  by_command,   // its kind depends on the command: see indirect_command(), arg_kind()
  owner_ex_in,  // const struct f_owner_ex* (F_SETOWN_EX)
  pid_ptr_in,   // const int* holding an F_SETOWN-style owner (FIOSETOWN, SIOCSPGRP) or a
                // process group (TIOCSPGRP)
  int_ptr_in,   // const int* holding a plain number (TIOCSETD's line discipline)
  char_in,      // const char*: one byte (TIOCSTI's injected input)
  comm_in,      // const char*: a task name, at most 16 bytes (PR_SET_NAME)
  int_value,    // an int register printed as a number (TIOCSCTTY's force flag)
  // A process whose limits prlimit64 reads or sets: 0 is the caller itself and a negative
  // pid fails with ESRCH, so the filter routes the call only for a positive pid (a process
  // limiting itself stays at native speed).
  pid_or_self,
  // The process group setpgid moves a process into: 0 is the mover's own pid (a new group
  // of its own) and a negative one fails with EINVAL, so the filter routes the call only
  // for a positive pgid, as for pid_or_self (a shell making a job's group names it, too).
  pgid,
  resource,    // RLIMIT_*
  rlimit_in,   // const struct rlimit64* (two u64 on every ABI)
  rlimit_out,  // struct rlimit64* filled by the kernel
};

inline constexpr bool is_in_pointer(Arg a) {
  return a == Arg::siginfo_in || a == Arg::sigset_in || a == Arg::sigaction_in ||
         a == Arg::stack_in || a == Arg::timespec_in || a == Arg::owner_ex_in ||
         a == Arg::pid_ptr_in || a == Arg::int_ptr_in || a == Arg::char_in || a == Arg::comm_in ||
         a == Arg::rlimit_in;
}
inline constexpr bool is_out_pointer(Arg a) {
  return a == Arg::siginfo_out || a == Arg::sigset_out || a == Arg::sigaction_out ||
         a == Arg::stack_out || a == Arg::rlimit_out;
}

struct SyscallSpec {
  Sys id;
  std::string_view name;
  Family family;
  std::array<Arg, 6> args;
  std::array<std::string_view, 6> arg_names;  // kernel/man-page names, used as JSON keys
  int nargs;
  long native_nr;  // number on the architecture we are built for, -1 if it has none
};

const SyscallSpec& spec(Sys s);
std::optional<Sys> sys_by_name(std::string_view name);
std::optional<Sys> sys_by_native_nr(long nr);
std::string_view family_name(Family f);
std::optional<Family> family_by_name(std::string_view name);

// Who an indirect command aims at (resolved by ProcessTable::resolve).
enum class Aim : uint8_t {
  owner_arg,  // the argument is an owner, F_SETOWN-encoded: >0 pid, <0 -pgrp, 0 none
  owner_ex,   // the argument points to struct f_owner_ex {type, pid}
  fd_owner,   // the fd's current owner (F_SETSIG chooses the signal it will get)
  // The foreground process group of the terminal behind the fd: the one it has (TIOCSIG
  // signals it), or the one the call gives it (TIOCSPGRP: the group at *arg, like kill's
  // -pgid; fd_target() reads it).
  fd_foreground,
  // The caller itself: PR_SET_PDEATHSIG (sent when its parent dies), the terminal
  // commands that aim at no process (TIOCSTI, TIOCSCTTY, TIOCSETD), which policies match
  // by `command` instead, and PR_SET_NAME (intercepted so that events name the task by
  // the name it gives itself from that call on).
  self,
};

// One intercepted command of an indirect syscall. The seccomp filter routes exactly these
// (comparing the low 32 bits of the command register, and of the argument when `only_arg`
// is set); decoding and targets use `arg`.
struct IndirectCommand {
  Sys sys;
  uint32_t cmd;
  std::string_view name;  // as strace prints it
  Arg arg;                // what the Arg::by_command argument holds for this command
  Aim aim;
  // Only this form of the command is intercepted: the argument, read as an int by the
  // kernel, equals it (TIOCSCTTY steals a terminal from another session only with 1).
  std::optional<uint32_t> only_arg = std::nullopt;
};
std::span<const IndirectCommand> indirect_commands();
// The entry selected by a call's Arg::command register (and its argument, for an entry
// with `only_arg`), or nullptr (not an indirect syscall, or a command or form sigvisor
// does not intercept).
const IndirectCommand* indirect_command(Sys s, const std::array<uint64_t, 6>& regs);
// The kind of argument `i`, with Arg::by_command resolved through the command table
// (unknown commands leave it Arg::by_command: a raw value).
Arg arg_kind(const SyscallSpec& s, const std::array<uint64_t, 6>& regs, int i);

// Byte size of what a pointer argument of kind `a` points to, given all the call's
// register arguments (sigset sizes come from the size argument, capped at 128).
uint32_t pointee_size(Arg a, const std::array<uint64_t, 6>& regs, const SyscallSpec& s);

}  // namespace sigvisor
