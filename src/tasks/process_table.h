// The supervisor's knowledge of every traced task: tid → thread group, parent, name.
// Written by the ptrace thread from fork/clone/exec/exit events, read by the notify
// thread on every intercepted call, so the hot path never reads /proc for a known task.
// Names of exited sandbox processes are kept (bounded) so a late event can still name
// its sender.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "call_data.h"
#include "tasks/scope.h"

namespace sigvisor {

// fd_target() could not tell what an fd names.
inline constexpr pid_t kUnknownFdOwner = INT32_MIN;

struct TaskInfo {
  pid_t tid = 0;
  pid_t tgid = 0;
  pid_t ppid = 0;  // thread group id of the parent process (0 for the launched root)
  Comm comm{};
};

// What the target resolver needs to know about the world outside the table.
struct Outside {
  pid_t supervisor_pid = 0;
  pid_t supervisor_pgid = 0;
};

class ProcessTable {
 public:
  explicit ProcessTable(Outside outside) : outside_(outside) {}

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

  // An allowed SIGKILL from `sender` to `target`: remembered so the victim's death event
  // can name its killer (SIGKILL has no delivery stop that would tell).
  void note_sigkill(const Target& target, const TaskInfo& sender);
  std::optional<TaskInfo> sigkill_sender(pid_t tgid) const;

  // Who a send- or indirect-family call aims at. `pidfd_pid` is what the call's fd names
  // (fd_target() in indirect_target.h): for pidfd_send_signal the pidfd's pid (-1 if
  // unknown); for F_SETSIG the fd's owner and for TIOCSIG -(foreground pgrp), F_SETOWN-
  // encoded, kUnknownFdOwner if unknown.
  Target resolve(const CallData& call, const TaskInfo& caller, pid_t pidfd_pid) const;

 private:
  Target resolve_pid(int64_t pid, const TaskInfo& caller) const;
  Target resolve_thread(int64_t tgid, int64_t tid, const TaskInfo& caller) const;
  Target resolve_indirect(const CallData& call, const TaskInfo& caller, pid_t fd_owner) const;
  Target resolve_owner(int type, int64_t id, const TaskInfo& caller) const;
  bool is_descendant_locked(pid_t tgid, pid_t ancestor_tgid) const;
  void remember_locked(pid_t tgid, const Comm& comm);

  const Outside outside_;
  mutable std::mutex mu_;
  std::unordered_map<pid_t, TaskInfo> tasks_;    // by tid
  std::unordered_map<pid_t, std::string> exes_;  // by tgid
  std::unordered_map<pid_t, Comm> gone_;         // exited processes' names, by tgid
  std::deque<pid_t> gone_order_;                 // eviction order for gone_
  std::unordered_map<pid_t, TaskInfo> killers_;  // victim tgid -> SIGKILL sender
};

// Reads a task's facts from /proc (for tasks the table has not seen yet, and outsiders).
std::optional<TaskInfo> read_task_from_proc(pid_t tid);
std::optional<Comm> read_comm_from_proc(pid_t pid);

}  // namespace sigvisor
