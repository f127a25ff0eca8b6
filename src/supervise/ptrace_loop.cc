// See ptrace_loop.h. Runs on the thread that PTRACE_SEIZEd the root: ptrace requests are
// only accepted from the tracer thread.
#include "supervise/ptrace_loop.h"

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <unordered_map>

#include "kernel/indirect_target.h"
#include "kernel/registers.h"
#include "kernel/syscall_arch.h"
#include "kernel/tracee_memory.h"
#include "supervise/call_decision.h"
#include "supervise/sender_claims.h"
#include "unique_fd.h"

namespace sigvisor {
namespace {

constexpr int kSysStop = SIGTRAP | 0x80;

std::string read_proc(pid_t pid, const char* what) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + what;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::string read_link(pid_t pid, const char* what) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + what;
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// CLOCK_BOOTTIME now, in seconds: the clock /proc/<pid>/stat start times count from.
double boottime_now() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The name of a process outside the table, from one read of /proc/<pid>/stat (name and
// start time from the same process). None when it is gone or started after `stop_time`
// (then the pid was reused by someone who cannot have sent the signal).
std::optional<Comm> outside_comm(pid_t pid, double stop_time) {
  std::string stat = read_proc(pid, "stat");
  auto open = stat.find('(');
  auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  // Fields after the name: state(3) ... starttime(22), i.e. the 20th after ')'.
  std::size_t pos = close + 1;
  for (int field = 3; field < 22 && pos != std::string::npos; ++field) {
    pos = stat.find(' ', pos + 1);
  }
  if (pos == std::string::npos) return std::nullopt;
  unsigned long long ticks = std::strtoull(stat.c_str() + pos + 1, nullptr, 10);
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0 || static_cast<double>(ticks) / static_cast<double>(hz) > stop_time) {
    return std::nullopt;
  }
  return make_comm(std::string_view(stat).substr(open + 1, close - open - 1));
}

// Negative codes the kernel itself produces without a sender pid.
bool kernel_made_code(int code) {
  constexpr int kCodes[] = {SI_TIMER, SI_ASYNCIO, SI_SIGIO, -7 /* SI_DETHREAD */, SI_ASYNCNL};
  for (int c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

// A call stopped at its seccomp entry in --results mode, waiting for its exit stop.
struct PendingCall {
  SyscallEvent ev;
  Decision decision;
  std::chrono::steady_clock::time_point entered;  // for -c: entry stop to exit stop
};

// Where rt_sigreturn finds the mask it restores, relative to the stack pointer at the
// syscall (strace's arch_rt_sigframe.c + offsetof(uc.uc_sigmask)). x86_64: the handler's
// `ret` popped pretcode, so the rt_sigframe starts at sp - 8; uc_sigmask follows
// uc_flags, uc_link, uc_stack (24) and uc_mcontext (256): 8 + 8 + 8 + 24 + 256 - 8.
struct SigframeMask {
  uint32_t arch;
  int64_t offset;
};
constexpr SigframeMask kSigframeMasks[] = {
#ifdef __x86_64__
    {AUDIT_ARCH_X86_64, 296},
#endif
};

// Kernel-internal restart codes (include/linux/errno.h), visible to a tracer in the
// return register at a signal-delivery stop.
constexpr long kErestartSys = 512;
constexpr long kErestartNoIntr = 513;
constexpr long kErestartNoHand = 514;

// A signal (or a group stop) that reaches a task while its call waits in the seccomp
// notification queue, not yet received by the notify loop, aborts the wait (once received,
// WAIT_KILLABLE_RECV lets only fatal signals through): the call never ran, no event was
// recorded, and it returns -ERESTARTSYS, which a handler without SA_RESTART turns into an
// EINTR that natively none of our calls gives (the non-blocking ones cannot be interrupted,
// and the wait family fails with -EINTR or -ERESTARTNOHAND, never -ERESTARTSYS). What the
// call returns instead is what it would have done natively:
// - a call that does not block: the signal just came before it. -ERESTARTNOINTR makes the
//   kernel run the call again after the handler whatever SA_RESTART says, and the rerun
//   is notified, decided and recorded once.
// - a wait (pause, rt_sigsuspend, rt_sigtimedwait): the task was already in the call, so
//   the signal interrupted the wait, and the wait returns as it does then: pause and
//   rt_sigsuspend -ERESTARTNOHAND (EINTR after a handler, run again when none ran),
//   rt_sigtimedwait -EINTR. Running a wait again would have it sleep on for a signal that
//   has come and gone (interrupted_wait_test.cc).
// Only for calls the filter routes (indirect ones: routed commands only); a routed call
// that ran never leaves -ERESTARTSYS behind, so nothing native is changed.
long interrupted_result(Sys sys) {
  switch (sys) {
    case Sys::pause:
    case Sys::rt_sigsuspend:
      return -kErestartNoHand;
    case Sys::rt_sigtimedwait:
      return -EINTR;
    default:
      return -kErestartNoIntr;
  }
}

// A wait interrupted in the notification queue (see interrupted_result): the call as the
// task made it, to be recorded with the result it now returns.
struct InterruptedWait {
  CallData call;
};

std::optional<InterruptedWait> restart_aborted_notification(pid_t pid, const ArchMap& arch) {
#if defined(__x86_64__)
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0) return std::nullopt;
  if (static_cast<long>(regs.rax) != -kErestartSys) return std::nullopt;
  const auto nr = static_cast<long>(regs.orig_rax);
  if (nr < 0) return std::nullopt;  // not stopped in a syscall
  __ptrace_syscall_info info;
  std::memset(&info, 0, sizeof info);
  if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) <= 0) return std::nullopt;
  auto sys = arch.lookup(info.arch, static_cast<int>(nr));
  if (!sys) return std::nullopt;
  const bool native = info.arch == ArchMap::native_arch();
  const std::array<uint64_t, 6> args =
      native ? std::array<uint64_t, 6>{regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9}
             : std::array<uint64_t, 6>{regs.rbx, regs.rcx, regs.rdx, regs.rsi, regs.rdi, regs.rbp};
  if (spec(*sys).family == Family::indirect && indirect_command(*sys, args) == nullptr) {
    return std::nullopt;  // not routed: a native result
  }
  const long result = interrupted_result(*sys);
  regs.rax = static_cast<unsigned long long>(result);
  ptrace(PTRACE_SETREGS, pid, nullptr, &regs);
  if (result == -kErestartNoIntr) return std::nullopt;  // run again: recorded then
  InterruptedWait w;
  w.call.sys = *sys;
  w.call.arch = info.arch;
  w.call.regs = args;
  // What the program sees: EINTR (-ERESTARTNOHAND becomes EINTR after a handler; when
  // none runs the wait is made again, notified and recorded once more).
  w.call.retval = -EINTR;
  return w;
#else
  (void)pid;
  (void)arch;
  return std::nullopt;
#endif
}

class PtraceLoop {
 public:
  explicit PtraceLoop(RunState& sv) : sv_(sv) {}
  int run();

 private:
  TaskInfo known(pid_t tid);
  ProcRef ref(const TaskInfo& t) const { return ProcRef{t.tgid, t.tid, t.comm}; }
  void on_exit(pid_t pid, int status);
  void on_spawn(pid_t pid, int event);
  void on_exec(pid_t pid);
  void on_signal(pid_t pid, int sig);
  void record_interrupted_wait(pid_t pid, InterruptedWait& w);
  void identify_sender(SignalEvent& ev, const siginfo_t& si, pid_t receiver, double stop_time);
  std::optional<SenderClaim> pending_claim(pid_t receiver, int sig,
                                           const ClaimedFields& delivered) const;
  void on_seccomp_entry(pid_t pid);
  void on_syscall_exit(pid_t pid);
  void resume(pid_t pid, int sig = 0) { ptrace(PTRACE_CONT, pid, nullptr, sig); }

  RunState& sv_;
  const ArchMap arch_;
  int root_status_ = 0;
  std::unordered_map<pid_t, PendingCall> pending_;
};

TaskInfo PtraceLoop::known(pid_t tid) {
  if (auto t = sv_.table.find(tid)) return *t;
  TaskInfo t = read_task_from_proc(tid).value_or(TaskInfo{tid, tid, 0, {}});
  sv_.table.add(t);
  return t;
}

void PtraceLoop::on_exit(pid_t pid, int status) {
  auto t = sv_.table.find(pid);
  ExitEvent ev;
  ev.task = t ? ref(*t) : ProcRef{pid, pid, {}};
  if (!t) {
    if (auto c = sv_.table.remembered_comm(pid)) ev.task.comm = *c;
  }
  ev.wait_status = status;
  ev.thread = ev.task.pid != ev.task.tid;
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && !ev.thread) {
    if (auto k = sv_.table.sigkill_sender(ev.task.pid)) ev.killer = ref(*k);
  }
  sv_.record(std::move(ev));  // before removal: strace counts the dying task in its prefix rule
  sv_.table.remove(pid);
  pending_.erase(pid);
  if (pid == sv_.root) root_status_ = status;
}

void PtraceLoop::on_spawn(pid_t pid, int event) {
  unsigned long msg = 0;
  ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &msg);
  auto child = static_cast<pid_t>(msg);
  TaskInfo parent = known(pid);
  SpawnEvent ev;
  ev.parent = ref(parent);
  ev.kind = event == PTRACE_EVENT_FORK    ? SpawnKind::fork
            : event == PTRACE_EVENT_VFORK ? SpawnKind::vfork
                                          : SpawnKind::clone;
  TaskInfo t{child, child, parent.tgid, parent.comm};
  if (event == PTRACE_EVENT_CLONE) {
    // clone() may make a thread or a process; only the kernel's view says which.
    if (auto p = read_task_from_proc(child)) {
      t.tgid = p->tgid;
      t.ppid = t.tgid == parent.tgid ? parent.ppid : parent.tgid;
    }
  }
  if (auto existing = sv_.table.find(child)) {
    // Its first stop was reported before our event: keep its tgid, fix the parent link.
    t.tgid = existing->tgid;
  }
  sv_.table.add(t);
  ev.child_pid = t.tgid;
  ev.child_tid = child;
  ev.thread = t.tgid == parent.tgid;
  sv_.record(std::move(ev));
}

void PtraceLoop::on_exec(pid_t pid) {
  unsigned long former = 0;
  ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former);
  std::string comm = read_proc(pid, "comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  ExecEvent ev;
  ev.path = read_link(pid, "exe");
  std::string cmdline = read_proc(pid, "cmdline");
  for (std::size_t start = 0; start < cmdline.size();) {
    std::size_t end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    ev.argv.emplace_back(cmdline, start, end - start);
    start = end + 1;
  }
  sv_.table.exec(pid, static_cast<pid_t>(former), make_comm(comm), ev.path);
  ev.task = ref(known(pid));
  if (static_cast<pid_t>(former) != pid) pending_.erase(static_cast<pid_t>(former));
  sv_.record(std::move(ev));
}

// The wait never reached the notify loop: decided and recorded here, before the signal
// that interrupted it (its mask and timeout are still in the task's memory).
void PtraceLoop::record_interrupted_wait(pid_t pid, InterruptedWait& w) {
  SyscallEvent ev;
  ev.call = w.call;
  read_in_pointers(pid, ev.call);
  TaskInfo caller = known(pid);
  std::string exe = sv_.policy_uses_exe ? sv_.table.exe(caller.tgid) : std::string();
  CallContext ctx{&ev.call, caller.tgid, caller.tid, comm_view(caller.comm), exe, nullptr};
  Decision d = decide_call(ctx, sv_);
  ev.caller = ref(caller);
  // A refusal cannot be applied to a call that did not run (it returns EINTR either way);
  // the event still says what the policy decided. kill and abort are enforced.
  record_call(std::move(ev), d, sv_);
  enforce(d, caller.tgid, sv_);
}

// Who sent the signal a task is about to receive, as far as the kernel lets us know it:
// - SI_USER, SI_TKILL (and SI_MESGQ with no matching call): the kernel wrote si_pid, so the
//   pid is exact. A sandbox pid (live, or exited and remembered) is named from our table.
//   Any other pid is outside: its name is read from /proc now, at the stop, and rejected
//   ("unknown") when the process holding that pid started after this stop — the sender
//   has exited and its pid was reused. A reuse between the send and this stop cannot be
//   seen (the kernel keeps no queue time we could read): then the name is a best effort
//   while the pid stays exact.
// - other codes < 0 (SI_QUEUE, ...): si_pid/si_uid were written by the caller, a claim.
//   A matching intercepted call (SenderClaims, or a --results call waiting at its exit
//   stop) names the true sender and decides `forged`. Every such call from the sandbox is
//   intercepted, so with no match the sender is outside and unverified: it is reported as
//   the claimed pid, narrowed to scope outside; claiming a sandbox process is then a lie
//   (forged) unless claims were evicted. Kernel-made codes (SI_TIMER, SI_ASYNCIO, SI_SIGIO,
//   SI_DETHREAD, SI_ASYNCNL) with no match come from the kernel.
// - positive codes and SI_KERNEL: the kernel.
void PtraceLoop::on_signal(pid_t pid, int sig) {
  if (auto w = restart_aborted_notification(pid, arch_)) record_interrupted_wait(pid, *w);
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  if (ptrace(PTRACE_GETSIGINFO, pid, nullptr, &si) != 0) {
    resume(pid, sig);
    return;
  }
  const double stop_time = boottime_now();
  TaskInfo task = known(pid);
  SignalEvent ev;
  ev.task = ref(task);
  std::memcpy(ev.info.data(), &si, sizeof si < ev.info.size() ? sizeof si : ev.info.size());
  ev.sig = sig;
  ev.code = si.si_code;
  identify_sender(ev, si, task.tgid, stop_time);
  std::string exe = sv_.policy_uses_exe ? sv_.table.exe(task.tgid) : std::string();
  DeliveryContext ctx{sig, si.si_code, ev.sender_scope, task.tgid, comm_view(task.comm), exe};
  Decision d = sv_.policy.decide_delivery(ctx);
  ev.suppressed = d.action == Action::deny;
  ev.rule = d.rule;
  const bool suppressed = ev.suppressed;
  if (sv_.policy.records(d)) sv_.record(std::move(ev));
  resume(pid, suppressed ? 0 : sig);
}

void PtraceLoop::identify_sender(SignalEvent& ev, const siginfo_t& si, pid_t receiver,
                                 double stop_time) {
  ev.sender_scope = Scope::kernel;
  if (caller_written_code(si.si_code)) {
    ClaimedFields delivered = claimed_fields(ev.info.data());
    auto claim = sv_.claims.take(receiver, ev.sig, delivered);
    if (!claim) claim = pending_claim(receiver, ev.sig, delivered);
    if (claim) {
      ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
      ev.claim_checked = true;
      ev.forged = is_forged(*claim);
      ev.sender = claim->caller;
      ev.sender_known = true;
      ev.sender_uid = claim->caller_uid;
      ev.sender_scope = claim->caller.pid == receiver ? Scope::self : Scope::sandbox;
      return;
    }
    if (kernel_made_code(si.si_code)) return;
    if (si.si_code != SI_MESGQ) {
      // An unverified claim from outside the sandbox.
      ev.claimed = std::make_pair(delivered.pid, static_cast<uint32_t>(delivered.uid));
      ev.sender_scope = Scope::outside;
      if (delivered.pid > 0 && sv_.table.remembered_comm(delivered.pid) && sv_.claims.complete()) {
        ev.forged = true;  // a sandbox process would have been intercepted
        return;
      }
      if (delivered.pid <= 0) return;
      ProcRef s{delivered.pid, delivered.pid, {}};
      if (auto c = outside_comm(delivered.pid, stop_time)) {
        s.comm = *c;
        ev.sender_known = true;
      }
      if (delivered.pid == getpid()) ev.sender_scope = Scope::supervisor;
      ev.sender = s;
      return;
    }
  }
  if (si.si_code > 0 || si.si_pid <= 0) return;  // the kernel (SI_KERNEL, faults, SIGCHLD…)
  pid_t sender = si.si_pid;
  ProcRef s{sender, sender, {}};
  ev.sender_uid = si.si_uid;
  if (auto c = sv_.table.remembered_comm(sender)) {
    s.comm = *c;
    ev.sender_known = true;
    ev.sender_scope = sender == receiver ? Scope::self : Scope::sandbox;
  } else {
    ev.sender_scope = sender == getpid() ? Scope::supervisor : Scope::outside;
    if (auto c2 = outside_comm(sender, stop_time)) {
      s.comm = *c2;
      ev.sender_known = true;
    }
  }
  ev.sender = s;
}

std::optional<SenderClaim> PtraceLoop::pending_claim(pid_t receiver, int sig,
                                                     const ClaimedFields& delivered) const {
  for (const auto& [tid, p] : pending_) {
    if (is_refusal(p.decision.action)) continue;
    auto c = claim_of(p.ev);
    if (c && c->receiver_tgid == receiver && c->sig == sig && c->claimed == delivered) return c;
  }
  return std::nullopt;
}

void PtraceLoop::on_seccomp_entry(pid_t pid) {
  __ptrace_syscall_info info;
  std::memset(&info, 0, sizeof info);
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
  auto sys = n > 0 && info.op == PTRACE_SYSCALL_INFO_SECCOMP
                 ? arch_.lookup(info.arch, static_cast<int>(info.seccomp.nr))
                 : std::nullopt;
  if (!sys) {
    resume(pid);
    return;
  }
  PendingCall p;
  CallData& call = p.ev.call;
  call.sys = *sys;
  call.arch = info.arch;
  for (int i = 0; i < 6; ++i) call.regs[i] = info.seccomp.args[i];
  p.entered = std::chrono::steady_clock::now();
  read_in_pointers(pid, call);
  TaskInfo caller = known(pid);
  const SyscallSpec& s = spec(call.sys);
  std::optional<Target> target;
  if (has_target(s.family)) target = sv_.table.resolve(call, caller, fd_target(pid, call));
  std::string exe = sv_.table.exe(caller.tgid);
  CallContext ctx{
      &call, caller.tgid, caller.tid, comm_view(caller.comm), exe, target ? &*target : nullptr};
  if (call.sys == Sys::rt_sigreturn) {
    // Decoded, never policed (it only ends a handler): the mask it is about to restore.
    for (const auto& f : kSigframeMasks) {
      if (f.arch != call.arch) continue;
      UserBuffer& b = call.mem[0];
      b.addr = info.stack_pointer + static_cast<uint64_t>(f.offset);
      b.size = 8;
      b.read = true;
      b.ok = read_tracee(pid, b.addr, b.bytes.data(), b.size);
    }
  } else {
    p.decision = decide_call(ctx, sv_);
  }
  p.ev.caller = ref(caller);
  p.ev.target = target;
  if (is_refusal(p.decision.action) && !skip_syscall(pid)) {
    // Cannot skip on this architecture: fail closed by killing the caller.
    ::kill(caller.tgid, SIGKILL);
  }
  pending_[pid] = std::move(p);
  ptrace(PTRACE_SYSCALL, pid, nullptr, 0);  // next stop: this call's exit
}

void PtraceLoop::on_syscall_exit(pid_t pid) {
  auto it = pending_.find(pid);
  if (it == pending_.end()) {
    resume(pid);
    return;
  }
  PendingCall p = std::move(it->second);
  pending_.erase(it);
  CallData& call = p.ev.call;
  if (is_refusal(p.decision.action)) {
    int err = p.decision.err != 0 ? p.decision.err : EPERM;
    set_return(pid, -err);
    call.retval = -err;
  } else {
    __ptrace_syscall_info info;
    std::memset(&info, 0, sizeof info);
    if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) > 0 &&
        info.op == PTRACE_SYSCALL_INFO_EXIT) {
      call.retval = info.exit.rval;
      if (!info.exit.is_error) read_out_pointers(pid, call);
    }
  }
  pid_t caller = p.ev.caller.pid;
  sv_.counters[static_cast<std::size_t>(call.sys)].nanos.fetch_add(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - p.entered)
                                .count()),
      std::memory_order_relaxed);
  record_call(std::move(p.ev), p.decision, sv_);
  enforce(p.decision, caller, sv_);  // before the resume: a killed caller never runs on
  resume(pid);
}

int PtraceLoop::run() {
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left to trace
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      on_exit(pid, status);
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    int sig = WSTOPSIG(status);
    int event = status >> 16;
    known(pid);
    switch (event) {
      case PTRACE_EVENT_FORK:
      case PTRACE_EVENT_VFORK:
      case PTRACE_EVENT_CLONE:
        on_spawn(pid, event);
        resume(pid);
        break;
      case PTRACE_EVENT_EXEC:
        on_exec(pid);
        resume(pid);
        break;
      case PTRACE_EVENT_SECCOMP:
        on_seccomp_entry(pid);
        break;
      case PTRACE_EVENT_STOP:
        // Group stop: stay stopped but let SIGCONT through (job control works as natively).
        // Otherwise an initial or interrupt stop.
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
          ptrace(PTRACE_LISTEN, pid, nullptr, 0);
        } else {
          resume(pid);
        }
        break;
      case 0:
        if (sig == kSysStop) {
          on_syscall_exit(pid);
        } else {
          on_signal(pid, sig);
        }
        break;
      default:  // PTRACE_EVENT_EXIT and anything newer
        resume(pid);
    }
  }
  return root_status_;
}

}  // namespace

long ptrace_options() {
  return PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
         PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD;
}

int run_ptrace_loop(RunState& sv) {
  return PtraceLoop(sv).run();
}

}  // namespace sigvisor
