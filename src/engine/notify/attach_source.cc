// See attach_source.h.
#include "engine/notify/attach_source.h"

#include <dirent.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "engine/notify/attach_threads.h"
#include "engine/notify/detaching_tree.h"
#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {

// TracerPid of the task: 0 untraced, -1 unknown.
pid_t tracer_of(pid_t tid) {
  auto st = read_status(tid);
  return st ? st->tracer : -1;
}

// strace's line for a failed attach, with its most useful hint on one line.
std::string seize_failure(pid_t pid, int err) {
  std::string line =
      "attach: ptrace(PTRACE_SEIZE, " + std::to_string(pid) + "): " + std::strerror(err);
  if (err == EPERM) {
    const pid_t tracer = tracer_of(pid);
    line += tracer > 0 ? " (already traced by pid " + std::to_string(tracer) + ")"
                       : " (another user's process, or ptrace restricted by Yama or a "
                         "container?)";
  }
  return line;
}

}  // namespace

long attach_ptrace_options() {
  return PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
         PTRACE_O_TRACESYSGOOD;
}

Status AttachSource::attach_process(pid_t pid) {
  const std::optional<TaskInfo> first = read_task_from_proc(pid);
  const pid_t tgid = first ? first->tgid : pid;
  // strace refuses both: tracing itself cannot work, and its parent (the shell waiting
  // for it) would have its job control of sigvisor refused as signals to the supervisor.
  if (tgid == getpid() || tgid == getppid()) {
    return make_error("attach: pid " + std::to_string(pid) + ": " + std::strerror(EPERM) +
                      (tgid == getpid() ? " (sigvisor itself)" : " (sigvisor's parent)"));
  }
  for (const Image& i : images_) {
    if (i.tgid == tgid) return Ok{};  // named twice (or by two of its threads)
  }
  if (ptrace(PTRACE_SEIZE, pid, nullptr, attach_ptrace_options()) != 0) {
    return make_error(seize_failure(pid, errno));
  }
  const pid_t self = getpid();
  ThreadSeizing threads =
      seize_threads([tgid] { return list_threads(tgid); },
                    [pid, self](pid_t tid) {
                      if (tid == pid) return SeizeOutcome::ours;
                      if (ptrace(PTRACE_SEIZE, tid, nullptr, attach_ptrace_options()) == 0) {
                        return SeizeOutcome::seized;
                      }
                      if (errno == ESRCH) return SeizeOutcome::gone;
                      return tracer_of(tid) == self ? SeizeOutcome::ours : SeizeOutcome::failed;
                    });
  threads.seized.insert(threads.seized.begin(), pid);
  // The leader first: it is the process's task in the table, and the run's root if first.
  std::stable_partition(threads.seized.begin(), threads.seized.end(),
                        [tgid](pid_t t) { return t == tgid; });
  std::size_t attached = 0;
  for (pid_t tid : threads.seized) {
    // A thread gone since its seizing reports its exit; the table learns it from that.
    if (auto t = read_task_from_proc(tid)) {
      tasks_.push_back(*t);
      ++attached;
    }
  }
  const Comm comm = first ? first->comm : Comm{};
  images_.push_back(Image{tgid, comm, read_exe(tgid)});
  if (messages_ != nullptr) {
    if (attached > 1) {
      std::fprintf(messages_, "sigvisor: Process %d attached with %zu threads\n", tgid, attached);
    } else {
      std::fprintf(messages_, "sigvisor: Process %d attached\n", tgid);
    }
    for (pid_t tid : threads.failed) {
      std::fprintf(messages_, "sigvisor: %s\n", seize_failure(tid, EPERM).c_str());
    }
    if (!threads.converged) {
      std::fprintf(messages_,
                   "sigvisor: Process %d: threads kept appearing; some may be "
                   "untraced\n",
                   tgid);
    }
  }
  return Ok{};
}

Result<std::vector<TaskInfo>> AttachSource::start() {
  std::vector<std::string> failures;
  for (pid_t pid : pids_) {
    if (auto st = attach_process(pid); !st) failures.push_back(st.error().message);
  }
  if (tasks_.empty()) {
    std::string all;
    for (const std::string& f : failures) all += (all.empty() ? "" : "\nsigvisor: ") + f;
    return make_error(all.empty() ? "attach: no process to attach to" : all);
  }
  for (const std::string& f : failures) {
    if (messages_ != nullptr) std::fprintf(messages_, "sigvisor: %s\n", f.c_str());
  }
  return tasks_;
}

void AttachSource::describe(ProcessTable& table) const {
  // The image each process runs, as an exec event would tell (policy `exe` matches).
  for (const Image& i : images_) {
    if (table.find(i.tgid)) table.exec(i.tgid, i.tgid, i.comm, i.exe);
  }
}

std::unique_ptr<TreeControl> AttachSource::make_tree(const ProcessTable& table, pid_t) {
  return std::make_unique<DetachingTree>(table);
}

Status AttachSource::release() {
  for (const TaskInfo& t : tasks_) {
    if (ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr) != 0 && errno != ESRCH) {
      return make_error("attach: ptrace(PTRACE_INTERRUPT, " + std::to_string(t.tid) +
                        "): " + std::strerror(errno));
    }
  }
  return Ok{};
}

}  // namespace sigvisor
