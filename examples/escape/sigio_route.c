// Escape attempt by an indirect route: make PID the owner of a socket (F_SETOWN,
// F_SETOWN_EX, FIOSETOWN or SIOCSPGRP, as ROUTE says), enable O_ASYNC and send data to
// it: the kernel itself then sends SIGIO to PID (whose default action ends it). No
// send-family syscall is made. Prints "ROUTE = 0" or "ROUTE = ERRNO"; exits 0 if the
// owner was set and the data sent.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int set_owner(int fd, const char* route, int pid) {
  if (strcmp(route, "F_SETOWN") == 0) return fcntl(fd, F_SETOWN, pid);
  if (strcmp(route, "F_SETOWN_EX") == 0) {
    struct f_owner_ex owner = {F_OWNER_PID, pid};
    return fcntl(fd, F_SETOWN_EX, &owner);
  }
  if (strcmp(route, "FIOSETOWN") == 0) return ioctl(fd, FIOSETOWN, &pid);
  if (strcmp(route, "SIOCSPGRP") == 0) return ioctl(fd, SIOCSPGRP, &pid);
  errno = EINVAL;
  return -1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s F_SETOWN|F_SETOWN_EX|FIOSETOWN|SIOCSPGRP PID\n", argv[0]);
    return 2;
  }
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 2;
  if (set_owner(sv[0], argv[1], atoi(argv[2])) != 0) {
    printf("%s = %s\n", argv[1], strerrorname_np(errno));
    return 1;
  }
  printf("%s = 0\n", argv[1]);
  fflush(stdout);
  if (fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK) != 0) return 2;
  return write(sv[1], "x", 1) == 1 ? 0 : 1;
}
