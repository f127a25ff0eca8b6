// Escape attempt: pidfd_send_signal(SIGTERM) to PID. The pidfd comes from pidfd_open, or
// (if that is refused) from opening /proc/PID, which pidfd_send_signal also accepts.
// Prints each step; exits 0 only if the signal was sent.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int pid = atoi(argv[1]);
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  printf("pidfd_open(%d) = %d %s\n", pid, fd, fd >= 0 ? "" : strerrorname_np(errno));
  if (fd < 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", pid);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    printf("open(%s) = %d\n", path, fd);
    if (fd < 0) return 1;
  }
  long r = syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0);
  printf("pidfd_send_signal(%d, SIGTERM) = %ld %s\n", fd, r, r == 0 ? "" : strerrorname_np(errno));
  return r == 0 ? 0 : 1;
}
