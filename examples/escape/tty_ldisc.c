// Escape attempt through the terminal: ioctl(0, TIOCSETD, &ldisc) swaps the terminal's
// line discipline under everyone using it (N_NULL, 27, discards all input and output).
// Prints "TIOCSETD = 0" or "= ERRNO", then "ldisc=N" as read back; exits 0 if it was set.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char** argv) {
  int ldisc = argc > 1 ? atoi(argv[1]) : 27;
  int r = ioctl(0, TIOCSETD, &ldisc);
  printf("TIOCSETD = %s\n", r == 0 ? "0" : strerrorname_np(errno));
  int now = -1;
  ioctl(0, TIOCGETD, &now);
  printf("ldisc=%d\n", now);
  return r == 0 ? 0 : 1;
}
