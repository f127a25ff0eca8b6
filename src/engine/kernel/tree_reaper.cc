// See tree_reaper.h.
#include "engine/kernel/tree_reaper.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>

namespace sigvisor {

bool become_subreaper() {
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

int reap_tree(pid_t root, JobControl* job, const std::function<void(pid_t)>& reaped) {
  int root_status = -1;
  for (;;) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, __WALL | WUNTRACED);
    if (pid < 0) {
      if (errno == EINTR) continue;
      return root_status;  // ECHILD: the tree is gone
    }
    if (WIFSTOPPED(status)) {
      // The job's own stops (^Z, a background read or write) make sigvisor stop too, so
      // the shell sees the job stopped; a SIGSTOP from anyone else is the sender's business.
      const int sig = WSTOPSIG(status);
      if (pid == root && job != nullptr && JobControl::is_forwarded_stop(sig)) {
        job->job_stopped(sig);
      }
      continue;
    }
    if (pid == root) root_status = status;
    if (reaped) reaped(pid);
  }
}

}  // namespace sigvisor
