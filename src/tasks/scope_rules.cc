// See scope_rules.h. A pid the table does not know is `outside`, whatever /proc says.
#include "tasks/scope_rules.h"

#include <fcntl.h>

#include <cstring>

#include "tasks/invalid_calls.h"

namespace sigvisor {
namespace {

class Rules {
 public:
  Rules(const TaskInfo& caller, const TaskView& tasks, const ProcView& kernel,
        const Outside& outside)
      : caller_(caller), tasks_(tasks), kernel_(kernel), outside_(outside) {}

  Target pid(int64_t pid) const;
  Target thread(int64_t tgid, int64_t tid) const;
  Target owner(int type, int64_t id) const;
  Target indirect(const CallData& call, pid_t fd_owner) const;
  Target join_group(int64_t mover, int64_t pgid) const;

 private:
  std::optional<Target> zombie(pid_t pid) const;
  Target group(int64_t pid) const;
  std::optional<TaskInfo> live_task(pid_t id) const;

  const TaskInfo& caller_;
  const TaskView& tasks_;
  const ProcView& kernel_;
  const Outside& outside_;
};

// A task belongs to the tree until it is reaped (DESIGN.md §6): an exited process the
// table remembers is still the child of its parent while /proc shows it a zombie whose
// parent is that same process, alive in the table. A live tree process's pid cannot be
// reused, and whatever process has it for real parent is its child, hence in the tree
// (CLONE_UNTRACED is refused), even if the zombie's own pid was reaped and reused. Any
// other answer (reaped, reparented, unreadable) is doubt: the caller falls back to the
// outside rules. Only pids the table does not know as live get here.
std::optional<Target> Rules::zombie(pid_t pid) const {
  auto z = tasks_.zombie(pid);
  if (!z) return std::nullopt;
  auto parent = tasks_.task(z->ppid);
  if (!parent || parent->tgid != z->ppid) return std::nullopt;
  auto st = kernel_.stat(pid);
  if (!st || st->state != 'Z' || st->ppid != z->ppid) return std::nullopt;
  Target t;
  t.pid = pid;
  t.exists = true;
  t.comm = st->comm;
  const bool below = z->ppid == caller_.tgid || tasks_.is_descendant(z->ppid, caller_.tgid);
  t.scope = below ? Scope::child : Scope::sandbox;
  return t;
}

// kill(0, ...) and kill(-pgid, ...) (and F_SETOWN / TIOCSIG to a group): an inside
// `group` only if every process in it is a live process of the tree; sigvisor's own
// group, or a group sigvisor is in, is `supervisor`; any other member makes it `outside`.
// Members that are zombies are dead: they cannot be hit. The group id comes from the
// registers (kill(0): the caller's current group, from /proc), its members from a scan
// of /proc, taken only here: signals to groups are rare. A member joining after the scan
// is a race the scan cannot close (setpgid into a group is what the policies police).
Target Rules::group(int64_t pid) const {
  Target t;
  t.pid = pid;
  t.scope = Scope::outside;
  pid_t pgid = static_cast<pid_t>(-pid);
  if (pid == 0) {
    auto st = kernel_.stat(caller_.tgid);
    if (!st || st->pgrp <= 0) return t;
    pgid = st->pgrp;
  }
  if (pgid == outside_.supervisor_pgid ||
      (outside_.session_keeper > 0 && pgid == outside_.session_keeper)) {
    t.scope = Scope::supervisor;
    return t;
  }
  auto members = kernel_.group_members(pgid);
  if (!members) return t;
  for (const GroupMember& m : *members) {
    if (m.pid == outside_.supervisor_pid || outside_.is_helper(m.pid)) {
      t.scope = Scope::supervisor;
      t.exists = true;
      return t;
    }
    t.exists = true;
    if (m.state == 'Z') continue;
    auto task = tasks_.task(m.pid);
    if (!task || task->tgid != m.pid) return t;  // outside the tree
  }
  // No member at all: nobody to hit (the kernel answers ESRCH), outside as before.
  if (t.exists) t.scope = Scope::group;
  return t;
}

// The table's entry for `id`, unless the kernel may already have given that id away. A
// thread that calls execve frees its own id at once (the kernel moves the thread onto its
// leader's id), before sigvisor hears of the exec: for that window the table still calls
// the id a thread of the tree, and an outside process may hold it already. So an id the
// table knows as a non-leader thread is confirmed by the kernel (/proc/TGID/task/TID) at
// the moment of the decision; a leader's id cannot be freed before sigvisor sees it die
// (a traced zombie waits for its tracer; the kernel engine's map drops it at the reap).
// What remains is the check's own length: an exec between this look and the call's
// continuation, and a fork onto the freed id within it (Landlock's scope closes that).
std::optional<TaskInfo> Rules::live_task(pid_t id) const {
  auto t = tasks_.task(id);
  if (!t || t->tid == t->tgid || kernel_.is_thread_of(t->tgid, id)) return t;
  return std::nullopt;
}

Target Rules::pid(int64_t pid) const {
  Target t;
  t.pid = pid;
  if (pid == -1) {
    t.scope = Scope::all;
    return t;
  }
  if (pid == 0 || pid < -1) return group(pid);
  if (auto target = live_task(static_cast<pid_t>(pid))) {
    // kill() accepts any thread id and signals that thread's process.
    t.exists = true;
    t.comm = target->comm;
    if (target->tgid == caller_.tgid) {
      t.scope = Scope::self;
    } else if (tasks_.is_descendant(target->tgid, caller_.tgid)) {
      t.scope = Scope::child;
    } else {
      t.scope = Scope::sandbox;
    }
    return t;
  }
  if (auto z = zombie(static_cast<pid_t>(pid))) return *z;
  // Any thread of sigvisor: kill() and tkill() of its id signal sigvisor (threat model
  // §9). Asked of /proc only for pids the table does not know. The pty session's keeper
  // is sigvisor's too: killing it would orphan the program's group; so is the group
  // witness.
  if (pid == outside_.supervisor_pid || outside_.is_helper(static_cast<pid_t>(pid)) ||
      kernel_.is_thread_of(outside_.supervisor_pid, static_cast<pid_t>(pid))) {
    t.scope = Scope::supervisor;
    t.exists = true;
    t.comm = make_comm("sigvisor");
  } else if (pid == 1) {
    t.scope = Scope::init;
    t.exists = true;
  } else {
    t.scope = Scope::outside;
  }
  return t;
}

Target Rules::thread(int64_t tgid, int64_t tid) const {
  Target t;
  t.pid = tgid;
  t.tid = tid;
  // tgid <= 0 means "any group" (tkill): the thread's own group decides, confirmed by the
  // kernel (live_task). tgkill names the group: the kernel itself refuses a thread that
  // is not in it, so a stale id there cannot reach outside.
  auto target =
      tgid <= 0 ? live_task(static_cast<pid_t>(tid)) : tasks_.task(static_cast<pid_t>(tid));
  if (target && (tgid <= 0 || target->tgid == tgid)) {
    t.exists = true;
    t.comm = target->comm;
    if (tgid <= 0) t.pid = target->tgid;
    if (target->tid == caller_.tid) {
      t.scope = Scope::self;
    } else if (target->tgid == caller_.tgid) {
      t.scope = Scope::thread;
    } else if (tasks_.is_descendant(target->tgid, caller_.tgid)) {
      t.scope = Scope::child;
    } else {
      t.scope = Scope::sandbox;
    }
    return t;
  }
  // The leader of a zombie (tkill / tgkill accept it; the kernel drops the signal).
  if (tgid <= 0 || tgid == tid) {
    if (auto z = zombie(static_cast<pid_t>(tid))) {
      z->tid = tid;
      return *z;
    }
  }
  // Not a sandbox thread: reuse the process rules for supervisor / init / outside.
  Target p = pid(tgid > 0 ? tgid : tid);
  if (p.scope == Scope::self || p.scope == Scope::child || p.scope == Scope::sandbox) {
    p.scope = Scope::outside;  // the group is ours but the thread is not: nothing to hit
    p.exists = false;
  }
  p.tid = tid;
  return p;
}

// An owner as fcntl(2) names one (type F_OWNER_TID / _PID / _PGRP, id). No owner (id 0)
// aims at nobody: `self`, the harmless scope. Process group 1 is init's.
Target Rules::owner(int type, int64_t id) const {
  if (id == 0) {
    Target t;
    t.scope = Scope::self;
    t.exists = true;
    return t;
  }
  if (type == F_OWNER_TID && id > 0) return thread(0, id);
  if (type == F_OWNER_PID && id > 0) return pid(id);
  if (type == F_OWNER_PGRP && id > 1) return pid(-id);
  Target t;
  t.pid = type == F_OWNER_PGRP ? -id : id;
  t.scope = type == F_OWNER_PGRP && id == 1 ? Scope::init : Scope::outside;
  return t;
}

// Indirect routes (names/syscall_table.h Aim). Memory that could not be read, an fd whose owner
// or terminal could not be found, or an unknown owner type: `outside`.
Target Rules::indirect(const CallData& call, pid_t fd_owner) const {
  const IndirectCommand* cmd = indirect_command(call.sys, call.regs);
  Target t;
  if (cmd == nullptr) return t;
  const SyscallSpec& s = spec(call.sys);
  int arg = 0;
  while (arg + 1 < s.nargs && s.args[arg] != Arg::by_command) ++arg;
  const UserBuffer& mem = call.mem[static_cast<std::size_t>(arg)];
  auto encoded = [&](int64_t v) {  // F_SETOWN encoding: >0 pid, <0 -pgrp, 0 none
    return owner(v < 0 ? F_OWNER_PGRP : F_OWNER_PID, v < 0 ? -v : v);
  };
  switch (cmd->aim) {
    case Aim::owner_arg:
      if (cmd->arg == Arg::pid_ptr_in) {
        int32_t v = 0;
        if (!mem.read || !mem.ok || mem.size < sizeof v) return t;
        std::memcpy(&v, mem.bytes.data(), sizeof v);
        return encoded(v);
      }
      return encoded(static_cast<int32_t>(call.regs[static_cast<std::size_t>(arg)]));
    case Aim::owner_ex: {
      int32_t ex[2] = {0, 0};  // struct f_owner_ex {int type; pid_t pid;}
      if (!mem.read || !mem.ok || mem.size < sizeof ex) return t;
      std::memcpy(ex, mem.bytes.data(), sizeof ex);
      return owner(ex[0], ex[1]);
    }
    case Aim::fd_owner:
    case Aim::fd_foreground:
      if (fd_owner == kUnknownFdOwner) return t;
      return encoded(fd_owner);
    case Aim::self:
      t.pid = caller_.tgid;
      t.tid = caller_.tid;
      t.scope = Scope::self;
      t.exists = true;
      t.comm = caller_.comm;
      return t;
  }
  return t;
}

// setpgid(mover, pgid): the group joined, as kill(-pgid) would find it. A group named by
// the mover's own pid is one of its own (made now, or the one it leads): no scan. A
// group that does not exist is `outside` (the kernel answers EPERM, as a refusal does).
Target Rules::join_group(int64_t mover, int64_t pgid) const {
  if (pgid == mover) {
    Target t;
    t.pid = -pgid;
    t.scope = Scope::group;
    t.exists = true;
    return t;
  }
  return group(-pgid);
}

}  // namespace

std::optional<std::vector<GroupMember>> LiveProcView::group_members(pid_t pgid) const {
  auto pids = list_processes();
  if (!pids) return std::nullopt;
  std::vector<GroupMember> out;
  for (pid_t p : *pids) {
    auto st = read_stat(p);
    if (st && st->pgrp == pgid) out.push_back({p, st->state});
  }
  return out;
}

Target resolve_target(const CallData& call, const TaskInfo& caller, pid_t fd_pid,
                      const TaskView& tasks, const ProcView& kernel, const Outside& outside) {
  if (auto invalid = invalid_target(call, fd_pid)) return *invalid;
  const Rules rules(caller, tasks, kernel, outside);
  const auto& r = call.regs;
  auto as_int = [](uint64_t v) { return static_cast<int64_t>(static_cast<int32_t>(v)); };
  Target t;
  switch (call.sys) {
    case Sys::kill:
    case Sys::rt_sigqueueinfo:
      t = rules.pid(as_int(r[0]));
      break;
    case Sys::tkill:
      t = rules.thread(0, as_int(r[0]));
      break;
    case Sys::tgkill:
    case Sys::rt_tgsigqueueinfo:
      t = rules.thread(as_int(r[0]), as_int(r[1]));
      break;
    case Sys::pidfd_send_signal:
    case Sys::pidfd_open:
      if (call.sys == Sys::pidfd_send_signal && as_int(r[0]) == kPidfdSelfThread) {
        return rules.thread(caller.tgid, caller.tid);
      }
      if (call.sys == Sys::pidfd_send_signal && as_int(r[0]) == kPidfdSelfThreadGroup) {
        return rules.pid(caller.tgid);
      }
      if (call.sys == Sys::pidfd_open) fd_pid = static_cast<pid_t>(as_int(r[0]));
      if (fd_pid <= 0) {
        t.scope = Scope::outside;  // an fd that names no process we can vouch for
        return t;
      }
      t = rules.pid(fd_pid);
      break;
    case Sys::fcntl:
    case Sys::ioctl:
    case Sys::prctl:
      t = rules.indirect(call, fd_pid);
      break;
    case Sys::prlimit64:  // pid 0 (or its own pid) is the caller; a negative pid names nobody
      t = as_int(r[0]) < 0 ? Target{as_int(r[0]), 0, Scope::outside}
                           : rules.pid(as_int(r[0]) == 0 ? caller.tgid : as_int(r[0]));
      break;
    case Sys::setpgid: {  // pid 0 moves the caller; pgid 0 is the mover's own pid
      const int64_t mover = as_int(r[0]) == 0 ? caller.tgid : as_int(r[0]);
      t = rules.join_group(mover, as_int(r[1]) == 0 ? mover : as_int(r[1]));
      break;
    }
    default:
      return t;
  }
  if (t.scope == Scope::outside && t.pid > 0 && !t.exists) {
    if (auto c = kernel.comm(static_cast<pid_t>(t.tid > 0 ? t.tid : t.pid))) {
      t.exists = true;
      t.comm = *c;
    }
  }
  if (t.scope == Scope::init && !t.exists) t.exists = true;
  if (t.scope == Scope::init) {
    if (auto c = kernel.comm(1)) t.comm = *c;
  }
  return t;
}

}  // namespace sigvisor
