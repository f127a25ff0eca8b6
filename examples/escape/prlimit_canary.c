// Escape attempt by a kernel-mediated route: prlimit(PID, RLIMIT_CPU, {1, 1}) on a process
// outside the sandbox. Once that process has used a second of CPU the kernel itself kills
// it (SIGXCPU, then SIGKILL at the hard limit); no signal syscall is made. Prints
// "prlimit64(PID, RLIMIT_CPU) = 0" or "= -1 ERRNO"; exits 0 if the limit was set.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PID\n", argv[0]);
    return 2;
  }
  pid_t pid = (pid_t)atoi(argv[1]);
  struct rlimit lim = {1, 1};
  long r = syscall(SYS_prlimit64, pid, RLIMIT_CPU, &lim, NULL);
  if (r == 0) {
    printf("prlimit64(%d, RLIMIT_CPU) = 0\n", (int)pid);
  } else {
    printf("prlimit64(%d, RLIMIT_CPU) = -1 %s\n", (int)pid, strerrorname_np(errno));
  }
  return r == 0 ? 0 : 1;
}
