// The tree as the kernel knows it (the programs' membership map, updated by the kernel at
// fork, exec and exit): what the scope rules ask when a call is decided on this engine, so
// a decision never trusts a table that learns of a new child or a freed id later. Names
// come from the process table, or /proc for a task it has not heard of yet.
#pragma once

#include "tasks/process_table.h"
#include "tasks/scope_rules.h"

namespace sigvisor {

class MemberView final : public TaskView {
 public:
  MemberView(int members_fd, const ProcessTable& names) : fd_(members_fd), names_(names) {}
  std::optional<TaskInfo> task(pid_t tid) const override;
  bool is_descendant(pid_t tgid, pid_t ancestor_tgid) const override;
  // A process of the tree that exited and is not reaped yet (still in the map, exited).
  std::optional<TaskInfo> zombie(pid_t tgid) const override;

 private:
  struct Entry {
    pid_t tgid = 0;
    pid_t ptgid = 0;
    bool exited = false;
  };
  std::optional<Entry> lookup(pid_t tid) const;
  Comm name_of(pid_t tid) const;

  const int fd_;
  const ProcessTable& names_;
};

}  // namespace sigvisor
