// The table behind names/syscall_table.h. Numbers come from <sys/syscall.h> so the same
// table builds on x86_64 and aarch64 (where pause and signalfd do not exist).
#include "names/syscall_table.h"

#include <fcntl.h>
#include <linux/prctl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <algorithm>

namespace sigvisor {
namespace {

#ifdef SYS_pause
constexpr long kPauseNr = SYS_pause;
#else
constexpr long kPauseNr = -1;
#endif
#ifdef SYS_signalfd
constexpr long kSignalfdNr = SYS_signalfd;
#else
constexpr long kSignalfdNr = -1;
#endif

using A = Arg;
constexpr A N = A::none;

const std::array<SyscallSpec, kSysCount> kTable = {{
    {Sys::kill, "kill", Family::send, {A::pid, A::sig, N, N, N, N}, {"pid", "sig"}, 2, SYS_kill},
    {Sys::tkill, "tkill", Family::send, {A::tid, A::sig, N, N, N, N}, {"tid", "sig"}, 2, SYS_tkill},
    {Sys::tgkill,
     "tgkill",
     Family::send,
     {A::pid, A::tid, A::sig, N, N, N},
     {"tgid", "tid", "sig"},
     3,
     SYS_tgkill},
    {Sys::rt_sigqueueinfo,
     "rt_sigqueueinfo",
     Family::send,
     {A::pid, A::sig, A::siginfo_in, N, N, N},
     {"tgid", "sig", "info"},
     3,
     SYS_rt_sigqueueinfo},
    {Sys::rt_tgsigqueueinfo,
     "rt_tgsigqueueinfo",
     Family::send,
     {A::pid, A::tid, A::sig, A::siginfo_in, N, N},
     {"tgid", "tid", "sig", "info"},
     4,
     SYS_rt_tgsigqueueinfo},
    {Sys::pidfd_send_signal,
     "pidfd_send_signal",
     Family::send,
     {A::fd, A::sig, A::siginfo_in, A::pidfd_flags, N, N},
     {"pidfd", "sig", "info", "flags"},
     4,
     SYS_pidfd_send_signal},
    {Sys::pidfd_open,
     "pidfd_open",
     Family::send,
     {A::pid, A::pidfd_flags, N, N, N, N},
     {"pid", "flags"},
     2,
     SYS_pidfd_open},
    {Sys::rt_sigprocmask,
     "rt_sigprocmask",
     Family::mask,
     {A::how, A::sigset_in, A::sigset_out, A::size, N, N},
     {"how", "set", "oldset", "sigsetsize"},
     4,
     SYS_rt_sigprocmask},
    {Sys::rt_sigaction,
     "rt_sigaction",
     Family::action,
     {A::sig, A::sigaction_in, A::sigaction_out, A::size, N, N},
     {"sig", "act", "oact", "sigsetsize"},
     4,
     SYS_rt_sigaction},
    {Sys::signalfd,
     "signalfd",
     Family::fd,
     {A::fd, A::sigset_in, A::size, N, N, N},
     {"fd", "mask", "sizemask"},
     3,
     kSignalfdNr},
    {Sys::signalfd4,
     "signalfd4",
     Family::fd,
     {A::fd, A::sigset_in, A::size, A::sfd_flags, N, N},
     {"fd", "mask", "sizemask", "flags"},
     4,
     SYS_signalfd4},
    {Sys::rt_sigtimedwait,
     "rt_sigtimedwait",
     Family::wait,
     {A::sigset_in, A::siginfo_out, A::timespec_in, A::size, N, N},
     {"set", "info", "timeout", "sigsetsize"},
     4,
     SYS_rt_sigtimedwait},
    {Sys::rt_sigsuspend,
     "rt_sigsuspend",
     Family::wait,
     {A::sigset_in, A::size, N, N, N, N},
     {"mask", "sigsetsize"},
     2,
     SYS_rt_sigsuspend},
    {Sys::pause, "pause", Family::wait, {N, N, N, N, N, N}, {}, 0, kPauseNr},
    {Sys::rt_sigpending,
     "rt_sigpending",
     Family::wait,
     {A::sigset_out, A::size, N, N, N, N},
     {"set", "sigsetsize"},
     2,
     SYS_rt_sigpending},
    {Sys::sigaltstack,
     "sigaltstack",
     Family::stack,
     {A::stack_in, A::stack_out, N, N, N, N},
     {"ss", "old_ss"},
     2,
     SYS_sigaltstack},
    {Sys::rt_sigreturn, "rt_sigreturn", Family::other, {N, N, N, N, N, N}, {}, 0, SYS_rt_sigreturn},
    {Sys::fcntl,
     "fcntl",
     Family::indirect,
     {A::fd, A::command, A::by_command, N, N, N},
     {"fd", "cmd", "arg"},
     3,
     SYS_fcntl},
    {Sys::ioctl,
     "ioctl",
     Family::indirect,
     {A::fd, A::command, A::by_command, N, N, N},
     {"fd", "request", "arg"},
     3,
     SYS_ioctl},
    // Only PR_SET_PDEATHSIG is intercepted, which takes one argument: strace shows two.
    {Sys::prctl,
     "prctl",
     Family::indirect,
     {A::command, A::by_command, N, N, N, N},
     {"option", "arg2"},
     2,
     SYS_prctl},
    {Sys::prlimit64,
     "prlimit64",
     Family::limit,
     {A::pid_or_self, A::resource, A::rlimit_in, A::rlimit_out, N, N},
     {"pid", "resource", "new_limit", "old_limit"},
     4,
     SYS_prlimit64},
    {Sys::setpgid,
     "setpgid",
     Family::pgrp,
     {A::int_value, A::pgid, N, N, N, N},
     {"pid", "pgid"},
     2,
     SYS_setpgid},
}};

constexpr std::array<std::string_view, 10> kFamilyNames = {
    "send", "mask", "action", "wait", "fd", "stack", "indirect", "limit", "pgrp", "other"};

// FIOSETOWN and SIOCSPGRP set a socket's owner like F_SETOWN, through an int pointer.
// The terminal routes (DESIGN.md section 9): TIOCSTI injects input that whoever reads the
// terminal next (the user's shell, once sigvisor is gone) will run; TIOCSPGRP hands the
// terminal, and the ^C typed on it, to another group; TIOCSCTTY (with force, as root)
// steals it from its session (only the forcing form, argument 1: without it the kernel
// hands out a terminal no session owns, which a test harness making its own pty needs);
// TIOCSETD swaps its line discipline under everyone using it.
constexpr std::array<IndirectCommand, 12> kIndirect = {{
    {Sys::fcntl, F_SETOWN, "F_SETOWN", Arg::pid, Aim::owner_arg},
    {Sys::fcntl, F_SETOWN_EX, "F_SETOWN_EX", Arg::owner_ex_in, Aim::owner_ex},
    {Sys::fcntl, F_SETSIG, "F_SETSIG", Arg::sig, Aim::fd_owner},
    {Sys::ioctl, TIOCSIG, "TIOCSIG", Arg::sig, Aim::fd_foreground},
    {Sys::ioctl, FIOSETOWN, "FIOSETOWN", Arg::pid_ptr_in, Aim::owner_arg},
    {Sys::ioctl, SIOCSPGRP, "SIOCSPGRP", Arg::pid_ptr_in, Aim::owner_arg},
    {Sys::ioctl, TIOCSTI, "TIOCSTI", Arg::char_in, Aim::self},
    {Sys::ioctl, TIOCSPGRP, "TIOCSPGRP", Arg::pid_ptr_in, Aim::fd_foreground},
    {Sys::ioctl, TIOCSCTTY, "TIOCSCTTY", Arg::int_value, Aim::self, 1},
    {Sys::ioctl, TIOCSETD, "TIOCSETD", Arg::int_ptr_in, Aim::self},
    {Sys::prctl, PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG", Arg::sig, Aim::self},
    {Sys::prctl, PR_SET_NAME, "PR_SET_NAME", Arg::comm_in, Aim::self},
}};
static_assert(kIndirect.size() <= 32, "a policy rule's command set is a uint32_t bitmask");

// The size argument of a sigset pointer: the syscall's `size` argument.
uint64_t size_arg(const std::array<uint64_t, 6>& regs, const SyscallSpec& s) {
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == Arg::size) return regs[i];
  }
  return 8;
}

}  // namespace

const SyscallSpec& spec(Sys s) {
  return kTable[static_cast<std::size_t>(s)];
}

std::optional<Sys> sys_by_name(std::string_view name) {
  for (const auto& e : kTable) {
    if (e.name == name) return e.id;
  }
  return std::nullopt;
}

std::optional<Sys> sys_by_native_nr(long nr) {
  if (nr < 0) return std::nullopt;
  for (const auto& e : kTable) {
    if (e.native_nr == nr) return e.id;
  }
  return std::nullopt;
}

std::string_view family_name(Family f) {
  return kFamilyNames[static_cast<std::size_t>(f)];
}

std::optional<Family> family_by_name(std::string_view name) {
  for (std::size_t i = 0; i < kFamilyNames.size(); ++i) {
    if (kFamilyNames[i] == name) return static_cast<Family>(i);
  }
  return std::nullopt;
}

std::span<const IndirectCommand> indirect_commands() {
  return kIndirect;
}

const IndirectCommand* indirect_command(Sys s, const std::array<uint64_t, 6>& regs) {
  const SyscallSpec& sp = spec(s);
  if (sp.family != Family::indirect) return nullptr;
  uint32_t cmd = 0, arg = 0;  // the kernel reads both as ints
  for (int i = 0; i < sp.nargs; ++i) {
    if (sp.args[i] == Arg::command) cmd = static_cast<uint32_t>(regs[i]);
    if (sp.args[i] == Arg::by_command) arg = static_cast<uint32_t>(regs[i]);
  }
  for (const IndirectCommand& c : kIndirect) {
    if (c.sys == s && c.cmd == cmd && (!c.only_arg || *c.only_arg == arg)) return &c;
  }
  return nullptr;
}

Arg arg_kind(const SyscallSpec& s, const std::array<uint64_t, 6>& regs, int i) {
  if (s.args[i] != Arg::by_command) return s.args[i];
  const IndirectCommand* c = indirect_command(s.id, regs);
  return c != nullptr ? c->arg : Arg::by_command;
}

uint32_t pointee_size(Arg a, const std::array<uint64_t, 6>& regs, const SyscallSpec& s) {
  switch (a) {
    case Arg::siginfo_in:
    case Arg::siginfo_out:
      return 128;
    case Arg::sigset_in:
    case Arg::sigset_out:
      return static_cast<uint32_t>(std::min<uint64_t>(size_arg(regs, s), 128));
    case Arg::sigaction_in:
    case Arg::sigaction_out:
      return 32;  // handler, flags, restorer, mask (8 bytes each on 64-bit)
    case Arg::stack_in:
    case Arg::stack_out:
      return 24;  // ss_sp, ss_flags (+pad), ss_size
    case Arg::timespec_in:
      return 16;
    case Arg::owner_ex_in:
      return 8;  // int type; pid_t pid
    case Arg::pid_ptr_in:
    case Arg::int_ptr_in:
      return 4;
    case Arg::char_in:
      return 1;
    case Arg::comm_in:
      return 16;  // TASK_COMM_LEN: the kernel copies at most 15 bytes and a NUL
    case Arg::rlimit_in:
    case Arg::rlimit_out:
      return 16;  // rlim_cur, rlim_max
    default:
      return 0;
  }
}

}  // namespace sigvisor
