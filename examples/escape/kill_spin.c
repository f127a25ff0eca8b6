// Escape attempt while the supervisor dies: prints "spinning MYPID" and then kill(PID, SIGKILL)
// in a loop, forever, at a pid given on the command line (a process outside the tree). Under
// an isolation policy every call is refused; when sigvisor is killed, the tree must die
// before one more call reaches the kernel unchecked. Exits only if a kill succeeds (1).
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PID\n", argv[0]);
    return 2;
  }
  const pid_t pid = (pid_t)atoi(argv[1]);
  printf("spinning %d\n", (int)getpid());
  fflush(stdout);
  for (;;) {
    if (kill(pid, SIGKILL) == 0) {
      printf("killed %d\n", (int)pid);
      return 1;
    }
  }
}
