// Escape attempt through the terminal: tcsetpgrp(0, PGID) (ioctl TIOCSPGRP) hands the
// terminal to process group PGID, outside the sandbox, so that the next ^C typed (or
// injected) there interrupts that group ("own": the caller's group, as a shell does). Prints
// "TIOCSPGRP = 0" or "= ERRNO", then "foreground=N" as the kernel reports it afterwards; exits 0 if
// the group was set.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PGID|own\n", argv[0]);
    return 2;
  }
  pid_t pgid = strcmp(argv[1], "own") == 0 ? getpgrp() : (pid_t)atoi(argv[1]);
  int r = tcsetpgrp(0, pgid);
  printf("TIOCSPGRP = %s\n", r == 0 ? "0" : strerrorname_np(errno));
  printf("foreground=%d\n", (int)tcgetpgrp(0));
  return r == 0 ? 0 : 1;
}
