// The matcher: one intercepted call (or one signal delivery) → Decision. Runs on the hot
// path of the notify and ptrace threads, so it never allocates: rules are precompiled into
// bitsets (policy_parse.cc), globs are matched with fnmatch(3) on stack copies.
//
// Semantics (also in docs/policy.schema.json):
// - Rules are tried in file order; the first whose keys all match decides. A call no rule
//   matches gets `default` (errno `default_errno`, EPERM if absent). A delivery no delivery
//   rule matches is delivered (allow): `default` governs syscalls only, because a stopping
//   default would otherwise swallow SIGSEGV, SIGCHLD and every other kernel signal.
// - Keys are ANDed; a list matches if any item does; an absent key matches anything.
// - syscall: names or families; a rule without it applies to every syscall its other keys
//   allow (target → send, indirect and limit families, sig → syscalls with a signal
//   argument, code → those with a siginfo argument, blocks → rt_sigprocmask, handler →
//   rt_sigaction).
// - command: the command of an indirect call (fcntl cmd, ioctl request, prctl option) by
//   the name strace prints: TIOCSTI, F_SETOWN, ... (only intercepted commands exist here).
// - sig: the syscall's signal argument (Arg::sig in the table: kill's 2nd, tgkill's 3rd,
//   rt_sigaction's 1st, ...) truncated to int as the kernel does; for deliveries, the signal.
// - target: the scope of a send-, indirect- or limit-family call's target (a missing target
//   counts as `outside`: doubt never widens a scope; prlimit64's pid 0 is `self`); an indirect
//   call's signal (F_SETSIG, TIOCSIG, PR_SET_PDEATHSIG) is its `sig`. sender: the delivery's
//   sender scope.
// - comm / exe: fnmatch(3) globs, flags 0 ('*' also matches '/'), on the caller (syscall
//   rules) or the receiver (delivery rules). comm is chosen by the process itself
//   (prctl PR_SET_NAME): it identifies cooperating programs, it authenticates nothing.
// - Memory keys (syscall rules; they read the snapshot in CallData::mem):
//     code:    si_code (int at offset 8) of the siginfo argument, per-signal names such as
//              SEGV_MAPERR checked against the signal argument;
//     blocks:  rt_sigprocmask with how SIG_BLOCK or SIG_SETMASK whose set (u64, bit n-1 =
//              signal n) contains any of the signals; SIG_UNBLOCK or a NULL set never match;
//     handler: rt_sigaction whose new action (non-NULL act) installs SIG_DFL (default),
//              SIG_IGN (ignore) or anything else (catch); handler is the first field, u64,
//              or u32 for 32-bit audit arches (i386, arm).
//   Fail closed: a pointer we could not read (UserBuffer not read or not ok), a NULL siginfo,
//   or an rt_sigprocmask sigsetsize other than 8 *match*: the kernel will fail such a call
//   (EFAULT/EINVAL) anyway, and a hostile caller must not dodge a deny rule with a bad
//   pointer. Memory keys are only ever on deny/kill/abort/log rules (policy_check.cc).
// - racy: true when the decision depended on tracee memory, i.e. some rule whose register
//   keys all matched had a memory key evaluated against a readable or unreadable pointer —
//   whether that rule then matched (it decided) or not (a later rule or the default decided,
//   and a racing thread could have changed which). Also, always, when the call's target was
//   found through memory (F_SETOWN_EX's struct, FIOSETOWN's and TIOCSPGRP's int) or through
//   an fd (pidfd_send_signal, F_SETSIG, TIOCSIG: another thread can dup2() over it):
//   Landlock's signal scope, not the decision, is what holds there.
// - Register keys are checked first; memory keys only for rules whose register keys match.
#include <fnmatch.h>
#include <linux/audit.h>

#include <csignal>
#include <cstring>

#include "policy/policy_internal.h"

namespace sigvisor {
namespace policy_internal {
namespace {

// fnmatch needs NUL-terminated text: copy onto the stack (no allocation). Longer than
// PATH_MAX cannot be an executable path the kernel resolved, so it matches nothing.
bool glob_any(const std::vector<std::string>& globs, std::string_view text) {
  if (globs.empty()) return true;
  char buf[4097];
  if (text.size() >= sizeof buf) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  for (const auto& g : globs) {
    if (fnmatch(g.c_str(), buf, 0) == 0) return true;
  }
  return false;
}

// `width` bytes at `offset` of a snapshot, native byte order; false if not captured.
bool read_bytes(const UserBuffer& b, std::size_t offset, std::size_t width, void* out) {
  if (!b.read || !b.ok || offset + width > b.size || offset + width > b.bytes.size()) return false;
  std::memcpy(out, b.bytes.data() + offset, width);
  return true;
}

int arg_int(const CallData& c, int index) {
  return static_cast<int>(static_cast<uint32_t>(c.regs[index]));
}

bool is_32bit_arch(uint32_t arch) {
  return arch != 0 && (arch & __AUDIT_ARCH_64BIT) == 0;
}

bool code_matches(const CompiledRule& r, const CallData& c, const ArgIndex& a, bool& racy) {
  auto sys = static_cast<std::size_t>(c.sys);
  int info = a.info[sys];
  if (info < 0) return false;
  if (c.regs[info] == 0) return true;  // NULL siginfo: EFAULT from the kernel; fail closed
  racy = true;
  int32_t code = 0;
  if (!read_bytes(c.mem[info], 8, sizeof code, &code)) return true;
  int sig = a.sig[sys] >= 0 ? arg_int(c, a.sig[sys]) : 0;
  for (const SiCode& k : r.codes) {
    if (k.code == code && (k.sig == 0 || k.sig == sig)) return true;
  }
  return false;
}

bool blocks_matches(const CompiledRule& r, const CallData& c, const ArgIndex& a, bool& racy) {
  if (c.sys != Sys::rt_sigprocmask || a.mask_how < 0 || a.mask_set < 0) return false;
  int how = arg_int(c, a.mask_how);
  if (how != SIG_BLOCK && how != SIG_SETMASK) return false;
  if (c.regs[a.mask_set] == 0) return false;  // NULL set: the mask does not change
  if (a.mask_size >= 0 && c.regs[a.mask_size] != sizeof(uint64_t)) return true;  // EINVAL
  racy = true;
  uint64_t set = 0;
  if (!read_bytes(c.mem[a.mask_set], 0, sizeof set, &set)) return true;
  return (set & r.blocks) != 0;
}

bool handler_matches(const CompiledRule& r, const CallData& c, const ArgIndex& a, bool& racy) {
  if (c.sys != Sys::rt_sigaction || a.action_act < 0) return false;
  if (c.regs[a.action_act] == 0) return false;  // NULL act: a query, nothing installed
  racy = true;
  uint64_t handler = 0;
  const UserBuffer& b = c.mem[a.action_act];
  if (is_32bit_arch(c.arch)) {
    uint32_t h32 = 0;
    if (!read_bytes(b, 0, sizeof h32, &h32)) return true;
    handler = h32;
  } else if (!read_bytes(b, 0, sizeof handler, &handler)) {
    return true;
  }
  uint8_t bit = handler == 0 ? kHandlerDefault : handler == 1 ? kHandlerIgnore : kHandlerCatch;
  return (r.handler_mask & bit) != 0;
}

bool sig_in(const CompiledRule& r, int sig) {
  return sig >= 0 && sig <= kMaxSignal && r.sigs.test(static_cast<std::size_t>(sig));
}

}  // namespace

Decision decide_call(const CompiledPolicy& p, const CallContext& ctx) {
  const CallData* c = ctx.call;
  // A target found through memory or an fd may not be the one the kernel acts on: every
  // decision about such a call rests on it (sigvisor's built-in protection looks at the
  // target whatever the rules say), so every one is racy.
  bool racy =
      c != nullptr && ctx.target != nullptr && (target_in_memory(*c) || target_through_fd(*c));
  auto sys = c != nullptr ? static_cast<std::size_t>(c->sys) : kSysCount;
  if (sys < kSysCount) {
    const uint32_t bit = uint32_t{1} << sys;
    const Scope target = ctx.target != nullptr ? ctx.target->scope : Scope::outside;
    for (const CompiledRule& r : p.syscall_rules) {
      if ((r.sys_mask & bit) == 0) continue;
      if (r.command_mask != 0 &&
          (r.command_mask & command_bit(indirect_command(c->sys, c->regs))) == 0) {
        continue;
      }
      if (r.has_sig && !sig_in(r, signal_of(*c))) continue;  // -1: no signal argument
      if (r.scope_mask != 0 && (r.scope_mask & scope_bit(target)) == 0) continue;
      if (!glob_any(r.comm_globs, ctx.comm) || !glob_any(r.exe_globs, ctx.exe)) continue;
      if (r.has_code && !code_matches(r, *c, p.args, racy)) continue;
      if (r.has_blocks && !blocks_matches(r, *c, p.args, racy)) continue;
      if (r.handler_mask != 0 && !handler_matches(r, *c, p.args, racy)) continue;
      return Decision{r.action, r.err, r.name, racy};
    }
  }
  return Decision{p.default_action, p.default_err, {}, racy};
}

Decision decide_delivery(const CompiledPolicy& p, const DeliveryContext& ctx) {
  for (const CompiledRule& r : p.delivery_rules) {
    if (r.has_sig && !sig_in(r, ctx.sig)) continue;
    if (r.scope_mask != 0 && (r.scope_mask & scope_bit(ctx.sender_scope)) == 0) continue;
    if (r.has_code) {
      bool any = false;
      for (const SiCode& k : r.codes) {
        any = any || (k.code == ctx.code && (k.sig == 0 || k.sig == ctx.sig));
      }
      if (!any) continue;
    }
    if (!glob_any(r.comm_globs, ctx.receiver_comm) || !glob_any(r.exe_globs, ctx.receiver_exe)) {
      continue;
    }
    return Decision{r.action, 0, r.name, false};
  }
  return Decision{Action::allow, 0, {}, false};
}

}  // namespace policy_internal
}  // namespace sigvisor
