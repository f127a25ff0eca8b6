// Escape attempt through the terminal: ioctl(0, TIOCSTI, &c) for each byte of TEXT pushes
// it into the terminal's input as if typed, to be read by whoever reads the terminal next:
// the user's shell, once the sandbox has ended ("kill -TERM <pid>\n" would run there).
// Prints "TIOCSTI = 0" or "TIOCSTI = ERRNO" (stops at the first failure); exits 0 if every
// byte was injected.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s TEXT\n", argv[0]);
    return 2;
  }
  for (const char* p = argv[1]; *p != '\0'; ++p) {
    if (ioctl(0, TIOCSTI, p) != 0) {
      printf("TIOCSTI = %s\n", strerrorname_np(errno));
      return 1;
    }
  }
  printf("TIOCSTI = 0\n");
  return 0;
}
