// The process table (see process_table.h); its scope rules are in scope_rules.cc.
#include "tasks/process_table.h"

#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {
constexpr std::size_t kGoneKept = 4096;
// Zombies kept: a parent that leaves more unreaped children than this loses the oldest
// to `outside` (narrowed, never widened).
constexpr std::size_t kZombiesKept = 4096;
}  // namespace

std::optional<Comm> read_comm_from_proc(pid_t pid) {
  return read_comm(pid);
}

std::optional<TaskInfo> read_task_from_proc(pid_t tid) {
  auto s = read_status(tid);
  if (!s) return std::nullopt;
  return TaskInfo{tid, s->tgid, s->ppid, s->name};
}

void ProcessTable::add(const TaskInfo& t) {
  std::lock_guard lock(mu_);
  tasks_[t.tid] = t;
  zombies_.erase(t.tid);  // the pid was reaped and reused in the tree
  live_.store(tasks_.size(), std::memory_order_relaxed);
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
  live_.store(tasks_.size(), std::memory_order_relaxed);
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
    if (it->second.ppid != 0 && zombies_.insert_or_assign(tid, it->second).second) {
      zombie_order_.push_back(tid);
      if (zombie_order_.size() > kZombiesKept) {
        zombies_.erase(zombie_order_.front());
        zombie_order_.pop_front();
      }
    }
  }
  tasks_.erase(it);
  live_.store(tasks_.size(), std::memory_order_relaxed);
}

std::optional<TaskInfo> ProcessTable::zombie(pid_t tgid) const {
  std::lock_guard lock(mu_);
  auto it = zombies_.find(tgid);
  if (it == zombies_.end()) return std::nullopt;
  return it->second;
}

void ProcessTable::note_sigkill(const Target& target, const TaskInfo& sender) {
  if (target.scope == Scope::invalid) return;  // the kernel sends nothing
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
  return live_.load(std::memory_order_relaxed);
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

namespace {

// The table as the scope rules see it: each question answered under the table's lock.
class LockedTasks final : public TaskView {
 public:
  explicit LockedTasks(const ProcessTable& t) : t_(t) {}
  std::optional<TaskInfo> task(pid_t tid) const override { return t_.find(tid); }
  bool is_descendant(pid_t tgid, pid_t ancestor_tgid) const override {
    return t_.is_descendant(tgid, ancestor_tgid);
  }
  std::optional<TaskInfo> zombie(pid_t tgid) const override { return t_.zombie(tgid); }

 private:
  const ProcessTable& t_;
};

}  // namespace

Target ProcessTable::resolve(const CallData& call, const TaskInfo& caller, pid_t pidfd_pid) const {
  if (membership_ != nullptr) {
    return resolve_target(call, caller, pidfd_pid, *membership_, kernel_, outside_);
  }
  return resolve_target(call, caller, pidfd_pid, LockedTasks(*this), kernel_, outside_);
}

}  // namespace sigvisor
