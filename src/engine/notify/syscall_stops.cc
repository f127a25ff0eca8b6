// See syscall_stops.h.
#include "engine/notify/syscall_stops.h"

#include <sys/ptrace.h>

#include <cerrno>
#include <csignal>

#include "calls/call_decision.h"
#include "engine/notify/foreign_calls.h"
#include "kernel/registers.h"

namespace sigvisor {
namespace {

// A task stopped under ptrace: it cannot vanish while stopped, and the answer is
// given in its registers at the exit stop.
class PtraceExitPort final : public CallPort {
 public:
  explicit PtraceExitPort(pid_t tid) : tid_(tid) {}
  bool still_pending() override { return true; }
  bool answer(const Decision& d) override {
    if (!is_refusal(d.action)) return true;
    return set_return(tid_, -d.err);
  }

 private:
  const pid_t tid_;
};

}  // namespace

Restart SyscallStops::on_seccomp_entry(const Stop& s) {
  __ptrace_syscall_info info;
  if (!c_.ops.syscall_info(s.pid, info) || info.op != PTRACE_SYSCALL_INFO_SECCOMP) return {};
  if (is_foreign_refusal(info)) {
    refuse_foreign_call(s.pid, info, c_);
    return {};
  }
  auto sys = c_.arch.lookup(info.arch, static_cast<int>(info.seccomp.nr));
  if (!sys) return {};
  std::array<uint64_t, 6> regs{};
  for (std::size_t i = 0; i < regs.size(); ++i) regs[i] = info.seccomp.args[i];
  return enter(s.pid, *sys, info, regs);
}

Restart SyscallStops::on_syscall_stop(const Stop& s) {
  auto it = pending_.find(s.pid);
  if (it == pending_.end()) {
    // No call of ours waits here: an entry (attach mode has no filter and stops at every
    // one), or the exit of a call that is not ours.
    __ptrace_syscall_info info;
    if (!deciding_ || !c_.ops.syscall_info(s.pid, info) || info.op != PTRACE_SYSCALL_INFO_ENTRY) {
      return {};
    }
    auto sys = c_.arch.lookup(info.arch, static_cast<int>(info.entry.nr));
    if (!sys) return {};
    std::array<uint64_t, 6> regs{};
    for (std::size_t i = 0; i < regs.size(); ++i) regs[i] = info.entry.args[i];
    // Of fcntl, ioctl and prctl only the commands the filter would route are ours.
    if (spec(*sys).family == Family::indirect && indirect_command(*sys, regs) == nullptr) return {};
    return enter(s.pid, *sys, info, regs);
  }
  PreparedCall p = it->second;
  pending_.erase(it);
  CallData& call = p.ev.call;
  if (!is_refusal(p.decision.action)) {
    __ptrace_syscall_info info;
    if (c_.ops.syscall_info(s.pid, info) && info.op == PTRACE_SYSCALL_INFO_EXIT) {
      call.retval = info.exit.rval;
      if (!info.exit.is_error) c_.sv.kernel.read_out(s.pid, call);
    }
  }
  PtraceExitPort port(s.pid);
  conclude_call(p, port, c_.sv);  // enforced before the resume: a killed caller never runs on
  return {};
}

Restart SyscallStops::enter(pid_t pid, Sys sys, const __ptrace_syscall_info& info,
                            const std::array<uint64_t, 6>& regs) {
  PreparedCall p;
  if (c_.sv.timed) p.started = std::chrono::steady_clock::now();
  CallData& call = p.ev.call;
  call.sys = sys;
  call.arch = info.arch;
  call.regs = regs;
  if (call.sys == Sys::rt_sigreturn) {
    // Decoded, never policed (it only ends a handler): the mask it is about to restore.
    if (auto offset = sigreturn_mask_offset(call.arch)) {
      UserBuffer& b = call.mem[0];
      b.addr = info.stack_pointer + static_cast<uint64_t>(*offset);
      b.size = 8;
      b.read = true;
      b.ok = c_.sv.kernel.read_memory(pid, b.addr, b.bytes.data(), b.size);
    }
  }
  PtraceExitPort port(pid);
  prepare_call(pid, p, port, c_.sv);  // a stopped task cannot vanish: always prepared
  if (is_refusal(p.decision.action) && !skip_syscall(pid)) {
    // Cannot skip on this architecture: fail closed by killing the caller.
    c_.sv.tree.kill_process(p.ev.caller.pid);
  }
  pending_[pid] = p;
  return {Resume::syscall};  // next stop: this call's exit
}

void SyscallStops::on_task_gone(pid_t tid) {
  auto it = pending_.find(tid);
  if (it == pending_.end()) return;
  SyscallEvent ev = it->second.ev;
  const Decision d = it->second.decision;
  pending_.erase(it);
  ev.unfinished = true;
  if (!is_refusal(d.action)) ev.call.retval.reset();  // a refusal knows its errno
  // Recorded only: the task is gone, nothing to enforce or answer.
  record_call(ev, d, c_.sv);
}

std::optional<SenderClaim> SyscallStops::take(pid_t receiver_tgid, int sig,
                                              const ClaimedFields& delivered) {
  for (const auto& [tid, p] : pending_) {
    if (is_refusal(p.decision.action)) continue;
    auto c = claim_of(p.ev);
    if (c && c->receiver_tgid == receiver_tgid && c->sig == sig && c->claimed == delivered) {
      return c;
    }
  }
  return std::nullopt;
}

}  // namespace sigvisor
