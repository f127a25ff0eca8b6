// Escape attempt: a child leaves the process group and the session (setsid), as a daemon
// would, then signals "its group" with kill(0, SIGTERM) hoping to reach beyond the sandbox.
// Only its own new group (itself) can be hit. The parent reports how the child ended.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    if (setsid() < 0) _exit(3);
    int r = kill(0, SIGTERM);
    printf("kill(0, SIGTERM) = %d %s\n", r, r == 0 ? "" : strerrorname_np(errno));
    fflush(stdout);
    _exit(r == 0 ? 0 : 1);
  }
  int st = 0;
  waitpid(child, &st, 0);
  if (WIFSIGNALED(st)) printf("child killed by signal %d\n", WTERMSIG(st));
  if (WIFEXITED(st)) printf("child exited %d\n", WEXITSTATUS(st));
  return 0;
}
