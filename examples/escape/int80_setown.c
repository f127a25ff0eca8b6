// Escape attempt through the other ABI and an indirect route: fcntl(fd, F_SETOWN, PID) by
// i386 `int $0x80` (eax=55) from an x86_64 process, then O_ASYNC and data on the socket:
// the kernel sends SIGIO to PID. Prints the raw result of the i386 fcntl and exits 0 if
// the owner was set and the data sent.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int pid = atoi(argv[1]);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 2;
  long r = 55;  // __NR_fcntl on i386
#if defined(__x86_64__)
  __asm__ volatile("int $0x80"
                   : "+a"(r)
                   : "b"(sv[0]), "c"(F_SETOWN), "d"(pid)
                   : "memory", "r8", "r9", "r10", "r11");
#else
  r = -38;  // not x86: nothing to try
#endif
  printf("int80 fcntl(%d, F_SETOWN, %d) = %ld\n", sv[0], pid, r);
  fflush(stdout);
  if (r != 0) return 1;
  if (fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK) != 0) return 2;
  return write(sv[1], "x", 1) == 1 ? 0 : 1;
}
