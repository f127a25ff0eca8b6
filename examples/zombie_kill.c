// A zombie child is still a child: the child exits, the parent waits until it is a
// zombie without reaping it (waitid WNOWAIT), signals it (the kernel answers 0 and drops
// the signal), and only then reaps it. The output is the same natively and under
// sigvisor with any policy that lets a process signal its children.
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
  if (child == 0) _exit(7);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT) != 0) return 3;
  int r = kill(child, SIGTERM);
  printf("kill(zombie child, SIGTERM) = %d %s\n", r, r == 0 ? "" : strerrorname_np(errno));
  int st = 0;
  if (waitpid(child, &st, 0) != child) return 4;
  if (WIFEXITED(st)) printf("child exited %d\n", WEXITSTATUS(st));
  if (WIFSIGNALED(st)) printf("child killed by signal %d\n", WTERMSIG(st));
  r = kill(child, 0);  // reaped: the pid names nobody (or someone else)
  printf("after reaping: kill(child, 0) %s\n", r == 0 ? "succeeds" : strerrorname_np(errno));
  return 0;
}
