// Escape attempt by an indirect route: ioctl(FD, TIOCSIG, SIGINT) on an inherited pty
// master FD signals the pty's foreground process group, whoever that is (here: a process
// outside the sandbox). Prints "TIOCSIG = 0" or "= ERRNO"; exits 0 if it was sent.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FD\n", argv[0]);
    return 2;
  }
  int r = ioctl(atoi(argv[1]), TIOCSIG, SIGINT);
  printf("TIOCSIG = %s\n", r == 0 ? "0" : strerrorname_np(errno));
  return r == 0 ? 0 : 1;
}
