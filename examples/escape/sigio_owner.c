// Escape attempt by an indirect route: make PID the owner of a pipe (F_SETOWN), choose
// the signal (F_SETSIG SIG), enable O_ASYNC and write to the pipe: the kernel itself then
// sends SIG to PID, during the write. No send-family syscall is made. Exits 0 if every
// step succeeded (whether the signal arrived is for PID to say).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int pid = atoi(argv[1]);
  int sig = atoi(argv[2]);
  int p[2];
  if (pipe(p) != 0) return 2;
  if (fcntl(p[0], F_SETOWN, pid) != 0 || fcntl(p[0], F_SETSIG, sig) != 0 ||
      fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK) != 0) {
    printf("fcntl: %s\n", strerrorname_np(errno));
    return 1;
  }
  ssize_t n = write(p[1], "x", 1);
  printf("write = %zd\n", n);
  return n == 1 ? 0 : 1;
}
