// See sender_claims.h.
#include "run/sender_claims.h"

#include <csignal>
#include <cstring>

#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {

// The real uid (first field of "Uid:") of a thread, from /proc/<tid>/status.
std::optional<uid_t> read_real_uid(pid_t tid) {
  auto status = read_status(tid);
  return status ? status->real_uid : std::nullopt;
}

// The siginfo argument of a send-family call, if it has one.
const UserBuffer* info_arg(const CallData& call) {
  const SyscallSpec& s = spec(call.sys);
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == Arg::siginfo_in) return &call.mem[static_cast<std::size_t>(i)];
  }
  return nullptr;
}

}  // namespace

ClaimedFields claimed_fields(const uint8_t* info128) {
  siginfo_t si;
  static_assert(sizeof si <= 128);
  std::memcpy(&si, info128, sizeof si);
  ClaimedFields f;
  f.code = si.si_code;
  f.pid = si.si_pid;
  f.uid = si.si_uid;
  uint64_t v = 0;
  std::memcpy(&v, &si.si_value, sizeof si.si_value < sizeof v ? sizeof si.si_value : sizeof v);
  f.value = v;
  return f;
}

std::optional<SenderClaim> claim_of(const SyscallEvent& ev) {
  const UserBuffer* info = info_arg(ev.call);
  if (info == nullptr || info->addr == 0 || !info->ok || !ev.target || ev.target->pid <= 0) {
    return std::nullopt;
  }
  SenderClaim c;
  c.claimed = claimed_fields(info->bytes.data());
  if (!caller_written_code(c.claimed.code)) return std::nullopt;  // the kernel refuses these
  c.receiver_tgid = static_cast<pid_t>(ev.target->pid);
  c.sig = signal_of(ev.call);
  c.caller = ev.caller;
  // A claim of another pid is a lie whatever the uid: only an honest pid needs the uid.
  if (c.claimed.pid == c.caller.pid) c.caller_uid = read_real_uid(c.caller.tid);
  return c;
}

void SenderClaims::add(const SenderClaim& c) {
  std::lock_guard lock(mu_);
  if (claims_.size() >= kMaxClaims) {
    claims_.pop_front();
    ++evicted_;
  }
  claims_.push_back(c);
}

std::optional<SenderClaim> SenderClaims::take(pid_t receiver_tgid, int sig,
                                              const ClaimedFields& delivered) {
  std::lock_guard lock(mu_);
  for (auto it = claims_.begin(); it != claims_.end(); ++it) {
    if (it->receiver_tgid == receiver_tgid && it->sig == sig && it->claimed == delivered) {
      SenderClaim c = *it;
      claims_.erase(it);
      return c;
    }
  }
  return std::nullopt;
}

bool SenderClaims::complete() const {
  std::lock_guard lock(mu_);
  return evicted_ == 0;
}

}  // namespace sigvisor
