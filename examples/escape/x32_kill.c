// Escape attempt through the x32 ABI: kill(PID, SIG) as syscall 62 | __X32_SYSCALL_BIT
// (0x40000000) from an x86_64 process. Under sigvisor the call is refused with ENOSYS
// (-38) before it runs, and recorded; it prints the result.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  long r = -38;
#if defined(__x86_64__)
  long nr = 62 | 0x40000000L;
  long pid = atol(argv[1]);
  long sig = atol(argv[2]);
  __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(pid), "S"(sig) : "rcx", "r11", "memory");
#endif
  printf("x32 kill(%s, %s) = %ld\n", argv[1], argv[2], r);
  return r == 0 ? 0 : 1;
}
