// plan_call: strace 6.1's per-syscall rules for showing each argument (see call_plan.h).
#include "decode/call_plan.h"

namespace sigvisor::decode {
namespace {

// The register holding the sigset size, or 0 when the call has none.
uint64_t size_arg(const CallData& c, const SyscallSpec& s) {
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == Arg::size) return c.regs[i];
  }
  return 0;
}

std::size_t struct_size(Arg a) {
  switch (a) {
    case Arg::siginfo_in:
    case Arg::siginfo_out:
      return kSiginfoBytes;
    case Arg::sigaction_in:
    case Arg::sigaction_out:
      return kSigactionBytes;
    case Arg::stack_in:
    case Arg::stack_out:
      return kStackBytes;
    case Arg::timespec_in:
      return kTimespecBytes;
    case Arg::owner_ex_in:
      return kOwnerExBytes;
    case Arg::pid_ptr_in:
    case Arg::int_ptr_in:
      return sizeof(int32_t);
    case Arg::char_in:
      return 1;
    case Arg::comm_in:
      return 16;
    case Arg::rlimit_in:
    case Arg::rlimit_out:
      return kRlimitBytes;
    default:
      return 0;
  }
}

View struct_view(Arg a) {
  switch (a) {
    case Arg::siginfo_in:
    case Arg::siginfo_out:
      return View::siginfo;
    case Arg::sigset_in:
    case Arg::sigset_out:
      return View::sigset;
    case Arg::sigaction_in:
    case Arg::sigaction_out:
      return View::sigaction;
    case Arg::stack_in:
    case Arg::stack_out:
      return View::stack;
    case Arg::owner_ex_in:
      return View::owner_ex;
    case Arg::pid_ptr_in:
    case Arg::int_ptr_in:
      return View::int_ptr;
    case Arg::char_in:
      return View::byte_str;
    case Arg::comm_in:
      return View::comm_str;
    case Arg::rlimit_in:
    case Arg::rlimit_out:
      return View::rlimit;
    default:
      return View::timespec;
  }
}

// A pointer argument: decoded when strace would decode it and the bytes are there,
// otherwise its address (strace's umove_or_printaddr).
ArgPlan pointer_plan(const CallData& c, const SyscallSpec& s, int i) {
  ArgPlan p;
  p.value = c.regs[i];
  p.view = View::addr;
  const Arg a = arg_kind(s, c.regs, i);
  std::size_t len = struct_size(a);
  if (a == Arg::sigset_in || a == Arg::sigset_out) {
    // print_sigset_addr_len: the size must be NSIG_BYTES, except rt_sigpending which
    // accepts 1..NSIG_BYTES; anything else prints the address without reading.
    const uint64_t size = size_arg(c, s);
    const uint64_t min = c.sys == Sys::rt_sigpending ? 1 : kSigsetBytes;
    if (size < min || size > kSigsetBytes) return p;
    len = static_cast<std::size_t>(size);
  }
  if (p.value == 0) return p;                        // NULL
  if (is_out_pointer(a) && !succeeded(c)) return p;  // failed or not yet known
  if (!readable(c.mem[i], len)) return p;            // unreadable or not captured
  p.view = struct_view(a);
  p.buf = &c.mem[i];
  p.len = len;
  return p;
}

// strace's names for the commands sigvisor intercepts (call_plan's View::command).
const FlagTable* command_table(Sys s) {
  switch (s) {
    case Sys::fcntl:
      return &kFcntlCmdValues;
    case Sys::ioctl:
      return &kIoctlValues;
    default:
      return &kPrctlOptions;
  }
}

ArgPlan scalar_plan(const CallData& c, const SyscallSpec& s, int i) {
  ArgPlan p;
  p.value = c.regs[i];
  switch (arg_kind(s, c.regs, i)) {
    case Arg::pid:
    case Arg::tid:
    case Arg::fd:
    case Arg::pid_or_self:
    case Arg::pgid:
    case Arg::int_value:
      p.view = View::int32;
      break;
    case Arg::resource:
      p.view = View::command;
      p.table = &kRlimitResources;
      break;
    case Arg::sig:
      p.view = View::signal;
      // strace 6.1: TIOCSIG's argument as %#lx; PR_SET_PDEATHSIG's above 128 as %lu.
      if (c.sys == Sys::ioctl) p.view = View::sig_hex;
      if (c.sys == Sys::prctl && p.value > 128) p.view = View::uint64;
      break;
    case Arg::command:
      p.view = View::command;
      p.table = command_table(c.sys);
      break;
    case Arg::by_command:  // a command sigvisor does not intercept
      p.view = View::hex64;
      break;
    case Arg::how:
      p.view = View::how;
      break;
    case Arg::size:
      p.view = View::uint64;
      break;
    case Arg::sfd_flags:
      p.view = View::flags32;
      p.table = &kSfdFlags;
      break;
    case Arg::pidfd_flags:
      // strace 6.1 decodes pidfd_open's flags but prints pidfd_send_signal's as hex.
      if (c.sys == Sys::pidfd_open) {
        p.view = View::flags32;
        p.table = &kPidfdOpenFlags;
      } else {
        p.view = View::hex32;
      }
      break;
    default:
      p.view = View::uint64;
      break;
  }
  return p;
}

}  // namespace

CallPlan plan_call(const CallData& c) {
  CallPlan plan;
  if (static_cast<std::size_t>(c.sys) >= kSysCount) return plan;
  const SyscallSpec& s = spec(c.sys);
  if (c.sys == Sys::rt_sigreturn) {
    // strace reads the mask from the signal frame; the supervisor captures it (when it
    // can) into mem[0]. Nothing captured: one argument shown as "{mask=?}".
    ArgPlan p;
    p.view = View::sigreturn;
    p.value = c.mem[0].addr;
    if (c.mem[0].read) {
      p.buf = &c.mem[0];
      p.len = kSigsetBytes;
    }
    plan.args[0] = p;
    plan.names[0] = "mask";
    plan.nargs = 1;
    return plan;
  }
  plan.nargs = s.nargs;
  for (int i = 0; i < s.nargs; ++i) {
    plan.names[i] = s.arg_names[i];
    const Arg a = arg_kind(s, c.regs, i);
    plan.args[i] =
        (is_in_pointer(a) || is_out_pointer(a)) ? pointer_plan(c, s, i) : scalar_plan(c, s, i);
  }
  return plan;
}

}  // namespace sigvisor::decode
