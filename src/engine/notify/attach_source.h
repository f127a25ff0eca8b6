// The attach front end (`-p PID[,PID...]`, as strace -p): PTRACE_SEIZEs running processes
// and every thread of each (attach_threads.h), without PTRACE_O_EXITKILL (they must
// outlive sigvisor) and without a seccomp filter (one cannot be added to a running process
// without outliving the detach). Signal calls are therefore seen at syscall-entry and
// -exit stops (RestartRule::every_syscall: every syscall stops twice, the slower path),
// decided at entry and concluded with their results at exit (syscall_stops.h). Ending the
// run detaches (detaching_tree.h).
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/notify/tracee_source.h"

namespace sigvisor {

class AttachSource final : public TraceeSource {
 public:
  // `messages`: where strace's "Process N attached" notes and partial failures go.
  AttachSource(std::vector<pid_t> pids, std::FILE* messages)
      : pids_(std::move(pids)), messages_(messages) {}
  // Seizes every process and its threads. A pid that cannot be seized is one line like
  // strace's ("attach: ptrace(PTRACE_SEIZE, 123): No such process"): the error when no
  // process could be seized, a note on `messages` otherwise (strace goes on with the rest).
  Result<std::vector<TaskInfo>> start() override;
  void describe(ProcessTable& table) const override;
  std::unique_ptr<TreeControl> make_tree(const ProcessTable& table, pid_t root) override;
  int listener() const override { return -1; }
  RestartRule restart_rule() const override { return RestartRule::every_syscall; }
  // A seized task runs on untouched until it stops once: PTRACE_INTERRUPT each, so that
  // the dispatcher can resume it with PTRACE_SYSCALL.
  Status release() override;
  void finish() override {}

 private:
  // Seizes `pid`'s process with all its threads; appends to tasks_ or returns why not.
  Status attach_process(pid_t pid);

  const std::vector<pid_t> pids_;
  std::FILE* const messages_;
  std::vector<TaskInfo> tasks_;
  struct Image {
    pid_t tgid;
    Comm comm;
    std::string exe;
  };
  std::vector<Image> images_;
};

// Options for PTRACE_SEIZE of an attached process (its new children inherit them).
long attach_ptrace_options();

}  // namespace sigvisor
