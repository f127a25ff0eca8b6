// Process table and target resolution (see process_table.h). Scope rules: DESIGN.md §5,
// threat model §9 — a pid the table does not know is `outside`, whatever /proc says.
#include "tasks/process_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "unique_fd.h"

namespace sigvisor {
namespace {

constexpr std::size_t kGoneKept = 4096;

std::optional<std::string> read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  char buf[2048];
  ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

pid_t status_field(const std::string& status, std::string_view key) {
  auto pos = status.find(key);
  if (pos == std::string::npos) return 0;
  pos += key.size();
  while (pos < status.size() && (status[pos] == ' ' || status[pos] == '\t')) ++pos;
  pid_t v = 0;
  std::from_chars(status.data() + pos, status.data() + status.size(), v);
  return v;
}

}  // namespace

std::optional<Comm> read_comm_from_proc(pid_t pid) {
  auto s = read_small_file("/proc/" + std::to_string(pid) + "/comm");
  if (!s) return std::nullopt;
  if (!s->empty() && s->back() == '\n') s->pop_back();
  return make_comm(*s);
}

std::optional<TaskInfo> read_task_from_proc(pid_t tid) {
  auto s = read_small_file("/proc/" + std::to_string(tid) + "/status");
  if (!s) return std::nullopt;
  TaskInfo t;
  t.tid = tid;
  t.tgid = status_field(*s, "\nTgid:");
  t.ppid = status_field(*s, "\nPPid:");
  auto name_end = s->find('\n');
  if (s->compare(0, 5, "Name:") == 0 && name_end != std::string::npos) {
    std::size_t b = 5;
    while (b < name_end && ((*s)[b] == ' ' || (*s)[b] == '\t')) ++b;
    t.comm = make_comm(std::string_view(*s).substr(b, name_end - b));
  }
  if (t.tgid == 0) return std::nullopt;
  return t;
}

void ProcessTable::add(const TaskInfo& t) {
  std::lock_guard lock(mu_);
  tasks_[t.tid] = t;
}

void ProcessTable::exec(pid_t tgid, pid_t former_tid, const Comm& comm, std::string exe) {
  std::lock_guard lock(mu_);
  if (former_tid != tgid) {
    // A non-leader thread exec'd: it now has the leader's id, its old id is gone.
    auto it = tasks_.find(former_tid);
    if (it != tasks_.end()) tasks_.erase(it);
  }
  auto& t = tasks_[tgid];
  t.tid = tgid;
  t.tgid = tgid;
  t.comm = comm;
  exes_[tgid] = std::move(exe);
}

void ProcessTable::remember_locked(pid_t tgid, const Comm& comm) {
  if (gone_.insert_or_assign(tgid, comm).second) {
    gone_order_.push_back(tgid);
    if (gone_order_.size() > kGoneKept) {
      gone_.erase(gone_order_.front());
      gone_order_.pop_front();
    }
  }
}

void ProcessTable::remove(pid_t tid) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(tid);
  if (it == tasks_.end()) return;
  if (it->second.tgid == tid) {
    remember_locked(tid, it->second.comm);
    exes_.erase(tid);
    killers_.erase(tid);
  }
  tasks_.erase(it);
}

void ProcessTable::note_sigkill(const Target& target, const TaskInfo& sender) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(static_cast<pid_t>(target.tid > 0 ? target.tid : target.pid));
  if (it != tasks_.end()) killers_[it->second.tgid] = sender;
}

std::optional<TaskInfo> ProcessTable::sigkill_sender(pid_t tgid) const {
  std::lock_guard lock(mu_);
  auto it = killers_.find(tgid);
  if (it == killers_.end()) return std::nullopt;
  return it->second;
}

void ProcessTable::set_comm(pid_t tid, const Comm& comm) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(tid);
  if (it != tasks_.end()) it->second.comm = comm;
}

std::optional<TaskInfo> ProcessTable::find(pid_t tid) const {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(tid);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

std::string ProcessTable::exe(pid_t tgid) const {
  std::lock_guard lock(mu_);
  auto it = exes_.find(tgid);
  return it == exes_.end() ? std::string() : it->second;
}

std::optional<Comm> ProcessTable::remembered_comm(pid_t tgid) const {
  std::lock_guard lock(mu_);
  auto live = tasks_.find(tgid);
  if (live != tasks_.end()) return live->second.comm;
  auto it = gone_.find(tgid);
  if (it == gone_.end()) return std::nullopt;
  return it->second;
}

std::size_t ProcessTable::live_tasks() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

std::vector<pid_t> ProcessTable::all_tgids() const {
  std::lock_guard lock(mu_);
  std::vector<pid_t> out;
  for (const auto& [tid, t] : tasks_) {
    if (t.tid == t.tgid) out.push_back(t.tgid);
  }
  return out;
}

std::vector<pid_t> ProcessTable::all_tids() const {
  std::lock_guard lock(mu_);
  std::vector<pid_t> out;
  out.reserve(tasks_.size());
  for (const auto& [tid, t] : tasks_) out.push_back(tid);
  return out;
}

bool ProcessTable::is_descendant(pid_t tgid, pid_t ancestor_tgid) const {
  std::lock_guard lock(mu_);
  return is_descendant_locked(tgid, ancestor_tgid);
}

bool ProcessTable::is_descendant_locked(pid_t tgid, pid_t ancestor_tgid) const {
  // Walk parents through the table; bounded in case of a corrupt cycle.
  pid_t cur = tgid;
  for (int depth = 0; depth < 4096; ++depth) {
    auto it = tasks_.find(cur);
    if (it == tasks_.end() || it->second.ppid == 0) return false;
    cur = it->second.ppid;
    if (cur == ancestor_tgid) return true;
  }
  return false;
}

Target ProcessTable::resolve_pid(int64_t pid, const TaskInfo& caller) const {
  Target t;
  t.pid = pid;
  if (pid == -1) {
    t.scope = Scope::all;
    return t;
  }
  std::lock_guard lock(mu_);
  if (pid == 0 || pid < -1) {
    // A process group: the caller's own (0), or one whose id is a sandbox process's pid.
    // A group the table cannot vouch for is outside.
    int64_t pgid = pid == 0 ? 0 : -pid;
    if (pgid == outside_.supervisor_pgid) {
      t.scope = Scope::supervisor;
    } else if (pgid == 0 || tasks_.count(static_cast<pid_t>(pgid)) != 0) {
      t.scope = Scope::group;
      t.exists = true;
    } else {
      t.scope = Scope::outside;
    }
    return t;
  }
  auto it = tasks_.find(static_cast<pid_t>(pid));
  if (it != tasks_.end()) {
    // kill() accepts any thread id and signals that thread's process.
    const TaskInfo& target = it->second;
    t.exists = true;
    t.comm = target.comm;
    if (target.tgid == caller.tgid) {
      t.scope = Scope::self;
    } else if (is_descendant_locked(target.tgid, caller.tgid)) {
      t.scope = Scope::child;
    } else {
      t.scope = Scope::sandbox;
    }
    return t;
  }
  if (pid == outside_.supervisor_pid) {
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

Target ProcessTable::resolve_thread(int64_t tgid, int64_t tid, const TaskInfo& caller) const {
  Target t;
  t.pid = tgid;
  t.tid = tid;
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(static_cast<pid_t>(tid));
    // tgid <= 0 means "any group" (tkill): the thread's own group decides.
    if (it != tasks_.end() && (tgid <= 0 || it->second.tgid == tgid)) {
      const TaskInfo& target = it->second;
      t.exists = true;
      t.comm = target.comm;
      if (tgid <= 0) t.pid = target.tgid;
      if (target.tid == caller.tid) {
        t.scope = Scope::self;
      } else if (target.tgid == caller.tgid) {
        t.scope = Scope::thread;
      } else if (is_descendant_locked(target.tgid, caller.tgid)) {
        t.scope = Scope::child;
      } else {
        t.scope = Scope::sandbox;
      }
      return t;
    }
  }
  // Not a sandbox thread: reuse the process rules for supervisor / init / outside.
  Target p = resolve_pid(tgid > 0 ? tgid : tid, caller);
  if (p.scope == Scope::self || p.scope == Scope::child || p.scope == Scope::sandbox) {
    p.scope = Scope::outside;  // the group is ours but the thread is not: nothing to hit
    p.exists = false;
  }
  p.tid = tid;
  return p;
}

// An owner as fcntl(2) names one (type F_OWNER_TID / _PID / _PGRP, id). No owner (id 0)
// aims at nobody: `self`, the harmless scope. Process group 1 is init's.
Target ProcessTable::resolve_owner(int type, int64_t id, const TaskInfo& caller) const {
  if (id == 0) {
    Target t;
    t.scope = Scope::self;
    t.exists = true;
    return t;
  }
  if (type == F_OWNER_TID && id > 0) return resolve_thread(0, id, caller);
  if (type == F_OWNER_PID && id > 0) return resolve_pid(id, caller);
  if (type == F_OWNER_PGRP && id > 1) return resolve_pid(-id, caller);
  Target t;
  t.pid = type == F_OWNER_PGRP ? -id : id;
  t.scope = type == F_OWNER_PGRP && id == 1 ? Scope::init : Scope::outside;
  return t;
}

// Indirect routes (syscall_table.h Aim). Memory that could not be read, an fd whose owner
// or terminal could not be found, or an unknown owner type: `outside`.
Target ProcessTable::resolve_indirect(const CallData& call, const TaskInfo& caller,
                                      pid_t fd_owner) const {
  const IndirectCommand* cmd = indirect_command(call.sys, call.regs);
  Target t;
  if (cmd == nullptr) return t;
  const SyscallSpec& s = spec(call.sys);
  int arg = 0;
  while (arg + 1 < s.nargs && s.args[arg] != Arg::by_command) ++arg;
  const UserBuffer& mem = call.mem[static_cast<std::size_t>(arg)];
  auto owner = [&](int64_t v) {  // F_SETOWN encoding: >0 pid, <0 -pgrp, 0 none
    return resolve_owner(v < 0 ? F_OWNER_PGRP : F_OWNER_PID, v < 0 ? -v : v, caller);
  };
  switch (cmd->aim) {
    case Aim::owner_arg:
      if (cmd->arg == Arg::pid_ptr_in) {
        int32_t v = 0;
        if (!mem.read || !mem.ok || mem.size < sizeof v) return t;
        std::memcpy(&v, mem.bytes.data(), sizeof v);
        return owner(v);
      }
      return owner(static_cast<int32_t>(call.regs[static_cast<std::size_t>(arg)]));
    case Aim::owner_ex: {
      int32_t ex[2] = {0, 0};  // struct f_owner_ex {int type; pid_t pid;}
      if (!mem.read || !mem.ok || mem.size < sizeof ex) return t;
      std::memcpy(ex, mem.bytes.data(), sizeof ex);
      return resolve_owner(ex[0], ex[1], caller);
    }
    case Aim::fd_owner:
    case Aim::fd_foreground:
      if (fd_owner == kUnknownFdOwner) return t;
      return owner(fd_owner);
    case Aim::self:
      t.pid = caller.tgid;
      t.tid = caller.tid;
      t.scope = Scope::self;
      t.exists = true;
      t.comm = caller.comm;
      return t;
  }
  return t;
}

Target ProcessTable::resolve(const CallData& call, const TaskInfo& caller, pid_t pidfd_pid) const {
  const auto& r = call.regs;
  auto as_int = [](uint64_t v) { return static_cast<int64_t>(static_cast<int32_t>(v)); };
  Target t;
  switch (call.sys) {
    case Sys::kill:
    case Sys::rt_sigqueueinfo:
      t = resolve_pid(as_int(r[0]), caller);
      break;
    case Sys::tkill:
      t = resolve_thread(0, as_int(r[0]), caller);
      break;
    case Sys::tgkill:
    case Sys::rt_tgsigqueueinfo:
      t = resolve_thread(as_int(r[0]), as_int(r[1]), caller);
      break;
    case Sys::pidfd_send_signal:
    case Sys::pidfd_open:
      if (call.sys == Sys::pidfd_open) pidfd_pid = static_cast<pid_t>(as_int(r[0]));
      if (pidfd_pid <= 0) {
        t.scope = Scope::outside;  // an fd that names no process we can vouch for
        return t;
      }
      t = resolve_pid(pidfd_pid, caller);
      break;
    case Sys::fcntl:
    case Sys::ioctl:
    case Sys::prctl:
      t = resolve_indirect(call, caller, pidfd_pid);
      break;
    default:
      return t;
  }
  if (t.scope == Scope::outside && t.pid > 0 && !t.exists) {
    if (auto c = read_comm_from_proc(static_cast<pid_t>(t.tid > 0 ? t.tid : t.pid))) {
      t.exists = true;
      t.comm = *c;
    }
  }
  if (t.scope == Scope::init && !t.exists) t.exists = true;
  if (t.scope == Scope::init) {
    if (auto c = read_comm_from_proc(1)) t.comm = *c;
  }
  return t;
}

}  // namespace sigvisor
