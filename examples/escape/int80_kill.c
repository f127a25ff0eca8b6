// Escape attempt through the other ABI: kill(PID, SIG) by i386 `int $0x80` (eax=37) from
// an x86_64 process. Prints the raw result and exits 0 if it was sent, 1 otherwise.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int pid = atoi(argv[1]);
  int sig = atoi(argv[2]);
  long r = 37;  // __NR_kill on i386
#if defined(__x86_64__)
  __asm__ volatile("int $0x80" : "+a"(r) : "b"(pid), "c"(sig) : "memory", "r8", "r9", "r10", "r11");
#else
  r = -38;  // not x86: nothing to try
#endif
  printf("int80 kill(%d, %d) = %ld\n", pid, sig, r);
  return r == 0 ? 0 : 1;
}
