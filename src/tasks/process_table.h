// The supervisor's knowledge of every traced task: tid → thread group, parent, name.
// Written by the ptrace thread from fork/clone/exec/exit events, read by the notify
// thread on every intercepted call, so the hot path never reads /proc for a known task.
// Names of exited sandbox processes are kept (bounded) so a late event can still name
// its sender. The scope rules that read it live in scope_rules.h.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/call_data.h"
#include "model/scope.h"
#include "tasks/scope_rules.h"

namespace sigvisor {

class ProcessTable {
 public:
  explicit ProcessTable(Outside outside) : outside_(outside), kernel_(proc_kernel_) {}
  // With another view of the kernel (tests: a hand-built /proc).
  ProcessTable(Outside outside, const ProcView& kernel) : outside_(outside), kernel_(kernel) {}

  // sigvisor's pty session keeper (Outside), or 0.
  pid_t session_keeper() const { return outside_.session_keeper; }
  // Whether `pid` is a process of sigvisor's own (the keeper, the group witness).
  bool is_helper(pid_t pid) const { return outside_.is_helper(pid); }

  void add(const TaskInfo& t);
  // exec replaced the image of `tgid` (reported by `tid`, which may be a former thread id).
  void exec(pid_t tgid, pid_t former_tid, const Comm& comm, std::string exe);
  void remove(pid_t tid);
  void set_comm(pid_t tid, const Comm& comm);

  std::optional<TaskInfo> find(pid_t tid) const;
  std::string exe(pid_t tgid) const;
  // Name of a process that is or was in the sandbox (kept after exit, bounded).
  std::optional<Comm> remembered_comm(pid_t tgid) const;
  std::size_t live_tasks() const;
  std::vector<pid_t> all_tgids() const;
  // Every task (thread) the table holds: each is a tracee of its own (attach's detach).
  std::vector<pid_t> all_tids() const;
  bool is_descendant(pid_t tgid, pid_t ancestor_tgid) const;
  // A process of the tree that exited (its exit event came) with a parent in the tree:
  // a zombie until that parent reaps it, and a child of it meanwhile. The table cannot
  // see the reaping (wait4 is not traced), so this is a hint for the scope rules, which
  // believe it only while /proc agrees (scope_rules.cc). Bounded: the oldest are dropped.
  std::optional<TaskInfo> zombie(pid_t tgid) const;

  // An allowed SIGKILL from `sender` to `target`: remembered so the victim's death event
  // can name its killer (SIGKILL has no delivery stop that would tell).
  void note_sigkill(const Target& target, const TaskInfo& sender);
  std::optional<TaskInfo> sigkill_sender(pid_t tgid) const;

  // Who a send- or indirect-family call aims at: resolve_target() (scope_rules.h) over
  // this table and the kernel. `pidfd_pid` is what the call's fd names (fd_target()).
  Target resolve(const CallData& call, const TaskInfo& caller, pid_t pidfd_pid) const;
  // Membership from elsewhere for resolve(): the kernel engine's in-kernel map, which the
  // kernel updates at fork, exec and exit, where this table learns of them later. Set
  // before the run starts; `view` outlives the table's use.
  void use_membership(const TaskView* view) { membership_ = view; }

 private:
  bool is_descendant_locked(pid_t tgid, pid_t ancestor_tgid) const;
  void remember_locked(pid_t tgid, const Comm& comm);

  const Outside outside_;
  const TaskView* membership_ = nullptr;
  const LiveProcView proc_kernel_;
  const ProcView& kernel_;
  mutable std::mutex mu_;
  std::unordered_map<pid_t, TaskInfo> tasks_;  // by tid
  // tasks_.size(), readable without the lock: every event asks (strace's [pid N] rule).
  std::atomic<std::size_t> live_{0};
  std::unordered_map<pid_t, std::string> exes_;  // by tgid
  std::unordered_map<pid_t, Comm> gone_;         // exited processes' names, by tgid
  std::deque<pid_t> gone_order_;                 // eviction order for gone_
  std::unordered_map<pid_t, TaskInfo> zombies_;  // exited, maybe not reaped, by tgid
  std::deque<pid_t> zombie_order_;               // eviction order for zombies_
  std::unordered_map<pid_t, TaskInfo> killers_;  // victim tgid -> SIGKILL sender
};

// Reads a task's facts from /proc (for tasks the table has not seen yet, and outsiders).
std::optional<TaskInfo> read_task_from_proc(pid_t tid);
std::optional<Comm> read_comm_from_proc(pid_t pid);

}  // namespace sigvisor
