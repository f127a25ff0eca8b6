// Who a send- or indirect-family call aims at: the scope rules (DESIGN.md §5, threat
// model §9), apart from the store of tasks they read. Pure logic over two views: the
// tasks the supervisor knows (process_table.h answers each question under its lock), and
// the kernel's /proc, asked only on slow paths (pids the table does not know, groups).
// Doubt narrows a scope to `outside`; nothing widens one.
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

#include "kernel/indirect_target.h"
#include "kernel/proc_reader.h"
#include "model/call_data.h"
#include "model/scope.h"

namespace sigvisor {

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
  // sigvisor's pty session keeper (terminal/pty_session.h), or 0: sigvisor too, and the
  // leader of its own group.
  pid_t session_keeper = 0;
  // sigvisor's group witness (run/group_witness.h), or 0: sigvisor too, in its group.
  pid_t group_witness = 0;
  // A process of sigvisor's own besides sigvisor: the keeper or the witness.
  bool is_helper(pid_t pid) const {
    return pid > 0 && (pid == session_keeper || pid == group_witness);
  }
};

// The supervisor's knowledge of the tree. Each answer is consistent in itself.
class TaskView {
 public:
  virtual ~TaskView() = default;
  virtual std::optional<TaskInfo> task(pid_t tid) const = 0;
  virtual bool is_descendant(pid_t tgid, pid_t ancestor_tgid) const = 0;
  // An exited process of the tree whose parent may not have reaped it yet (a hint).
  virtual std::optional<TaskInfo> zombie(pid_t tgid) const = 0;
};

// A process of a process group, as /proc lists it.
struct GroupMember {
  pid_t pid = 0;
  char state = 0;  // 'Z': exited, cannot receive a signal any more
};

// What the kernel says now (/proc). Slow paths only.
class ProcView {
 public:
  virtual ~ProcView() = default;
  virtual std::optional<Comm> comm(pid_t pid) const = 0;
  virtual std::optional<ProcStat> stat(pid_t pid) const = 0;
  virtual bool is_thread_of(pid_t pid, pid_t tid) const = 0;
  // The processes of group `pgid` (none listed: the group is empty); none when /proc
  // cannot be scanned.
  virtual std::optional<std::vector<GroupMember>> group_members(pid_t pgid) const = 0;
};

// The real kernel: proc_reader.h.
class LiveProcView final : public ProcView {
 public:
  std::optional<Comm> comm(pid_t pid) const override { return read_comm(pid); }
  std::optional<ProcStat> stat(pid_t pid) const override { return read_stat(pid); }
  bool is_thread_of(pid_t pid, pid_t tid) const override {
    return sigvisor::is_thread_of(pid, tid);
  }
  std::optional<std::vector<GroupMember>> group_members(pid_t pgid) const override;
};

// `fd_pid` is what the call's fd names (fd_target() in indirect_target.h): for
// pidfd_send_signal the pidfd's pid (-1 if unknown); for F_SETSIG the fd's owner and for
// TIOCSIG -(foreground pgrp), F_SETOWN-encoded, kUnknownFdOwner if unknown.
Target resolve_target(const CallData& call, const TaskInfo& caller, pid_t fd_pid,
                      const TaskView& tasks, const ProcView& kernel, const Outside& outside);

}  // namespace sigvisor
