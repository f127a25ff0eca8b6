// See launch_source.h.
#include "engine/notify/launch_source.h"

#include <sys/ptrace.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "calls/notify_loop.h"

namespace sigvisor {

long launch_ptrace_options() {
  return PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
         PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD;
}

LaunchSource::~LaunchSource() {
  finish();
}

Status LaunchSource::prepare() {
  auto f = build_filter(opts_.filter);
  if (!f) return f.error();
  filter_ = std::move(*f);
  return Ok{};
}

Result<std::vector<TaskInfo>> LaunchSource::start() {
  if (!filter_) {
    if (auto st = prepare(); !st) return st.error();
  }
  LaunchSpec ls;
  ls.argv = opts_.argv;
  ls.filter = &*filter_;
  ls.child_sigmask = opts_.child_sigmask;
  ls.child_dispositions = opts_.child_dispositions;
  ls.run_as = opts_.run_as ? &*opts_.run_as : nullptr;
  ls.landlock_ruleset = opts_.landlock_ruleset.get();
  ls.pty = opts_.pty;
  ls.no_new_privs = opts_.no_new_privs;
  auto launched = launch(ls);
  opts_.landlock_ruleset.reset();  // entered by the child (or never will be)
  if (!launched) return launched.error();
  child_ = std::move(*launched);
  const pid_t pid = child_->pid;
  if (ptrace(PTRACE_SEIZE, pid, nullptr, launch_ptrace_options()) != 0) {
    int err = errno;
    discard(*child_);
    finish();
    child_.reset();
    return make_error(std::string("PTRACE_SEIZE: ") + std::strerror(err) +
                      (err == EPERM ? " (is ptrace restricted by Yama or a container?)" : ""));
  }
  enable_sync_wakeup(child_->listener.get());
  // Until its exec event the child is a copy of sigvisor: named so.
  return std::vector<TaskInfo>{TaskInfo{pid, pid, 0, make_comm("sigvisor")}};
}

Status LaunchSource::release() {
  if (!child_) return make_error("nothing launched");
  auto st = sigvisor::release(*child_);
  if (!st) kill(child_->pid, SIGKILL);  // never run unsupervised; its exit ends the run
  return st;
}

bool LaunchSource::hand_over_terminal() {
  if (!child_) return false;
  return std::exchange(child_->took_terminal, false);
}

void LaunchSource::finish() {
  if (!child_) return;
  restore_terminal(*child_);
  child_->took_terminal = false;  // once
}

}  // namespace sigvisor
