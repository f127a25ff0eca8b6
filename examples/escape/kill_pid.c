// Escape attempt: kill(PID, SIG) at a pid given on the command line ("ppid" means
// getppid(), e.g. sigvisor itself; "-N" a process group, "-1" everyone). Prints
// "kill(PID, SIG) = 0" or "= -1 ERRNO" and exits 0 when the call succeeded, 1 otherwise.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PID|ppid [SIG]\n", argv[0]);
    return 2;
  }
  pid_t pid = strcmp(argv[1], "ppid") == 0 ? getppid() : (pid_t)atoi(argv[1]);
  int sig = argc > 2 ? atoi(argv[2]) : SIGTERM;
  int r = kill(pid, sig);
  int err = errno;
  if (r == 0) {
    printf("kill(%d, %d) = 0\n", (int)pid, sig);
  } else {
    printf("kill(%d, %d) = -1 %s\n", (int)pid, sig, strerrorname_np(err));
  }
  return r == 0 ? 0 : 1;
}
