// See ptrace_loop.h. Runs on the thread that PTRACE_SEIZEd the root: ptrace requests are
// only accepted from the tracer thread.
#include "ptrace_loop.h"

#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <unordered_map>

#include "call_decision.h"
#include "syscall_arch.h"
#include "syscall_regs.h"
#include "tracee_memory.h"
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

// A call stopped at its seccomp entry in --results mode, waiting for its exit stop.
struct PendingCall {
  SyscallEvent ev;
  Decision decision;
};

class PtraceLoop {
 public:
  explicit PtraceLoop(Supervision& sv) : sv_(sv) {}
  int run();

 private:
  TaskInfo known(pid_t tid);
  ProcRef ref(const TaskInfo& t) const { return ProcRef{t.tgid, t.tid, t.comm}; }
  void on_exit(pid_t pid, int status);
  void on_spawn(pid_t pid, int event);
  void on_exec(pid_t pid);
  void on_signal(pid_t pid, int sig);
  void on_seccomp_entry(pid_t pid);
  void on_syscall_exit(pid_t pid);
  void resume(pid_t pid, int sig = 0) { ptrace(PTRACE_CONT, pid, nullptr, sig); }

  Supervision& sv_;
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

void PtraceLoop::on_signal(pid_t pid, int sig) {
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  if (ptrace(PTRACE_GETSIGINFO, pid, nullptr, &si) != 0) {
    resume(pid, sig);
    return;
  }
  TaskInfo task = known(pid);
  SignalEvent ev;
  ev.task = ref(task);
  std::memcpy(ev.info.data(), &si, sizeof si < ev.info.size() ? sizeof si : ev.info.size());
  ev.sig = sig;
  ev.code = si.si_code;
  // si_pid is filled by the kernel for SI_USER and SI_TKILL, written by the caller for
  // other negative codes (SI_QUEUE, ...); positive codes and SI_KERNEL come from the kernel.
  if (si.si_code <= 0 && si.si_pid > 0) {
    pid_t sender = si.si_pid;
    ProcRef s{sender, sender, {}};
    if (auto c = sv_.table.remembered_comm(sender)) {
      s.comm = *c;
      ev.sender_known = true;
      ev.sender_scope = sender == task.tgid ? Scope::self : Scope::sandbox;
    } else {
      ev.sender_scope = Scope::outside;
      if (sender == getpid()) ev.sender_scope = Scope::supervisor;
      if (auto pc = read_comm_from_proc(sender)) {
        s.comm = *pc;
        ev.sender_known = true;
      }
    }
    ev.sender = s;
  } else {
    ev.sender_scope = Scope::kernel;
  }
  std::string exe = sv_.table.exe(task.tgid);
  DeliveryContext ctx{sig, si.si_code, ev.sender_scope, task.tgid, comm_view(task.comm), exe};
  Decision d = sv_.policy.decide_delivery(ctx);
  ev.suppressed = d.action == Action::deny;
  ev.rule = d.rule;
  sv_.record(std::move(ev));
  resume(pid, ev.suppressed ? 0 : sig);
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
  read_in_pointers(pid, call);
  TaskInfo caller = known(pid);
  const SyscallSpec& s = spec(call.sys);
  std::optional<Target> target;
  if (s.family == Family::send) {
    pid_t pidfd_pid =
        call.sys == Sys::pidfd_send_signal ? pidfd_target(pid, static_cast<int>(call.regs[0])) : -1;
    target = sv_.table.resolve(call, caller, pidfd_pid);
  }
  std::string exe = sv_.table.exe(caller.tgid);
  CallContext ctx{
      &call, caller.tgid, caller.tid, comm_view(caller.comm), exe, target ? &*target : nullptr};
  p.decision = decide_call(ctx, sv_);
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
  record_call(std::move(p.ev), p.decision, sv_);
  resume(pid);
  enforce(p.decision, caller, sv_);
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
         PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD;
}

int run_ptrace_loop(Supervision& sv) {
  return PtraceLoop(sv).run();
}

}  // namespace sigvisor
