// Escape attempt through the other ABI for a non-send signal call: rt_sigaction(SIGTERM,
// NULL, NULL, 8) by i386 `int $0x80` (eax=174) from an x86_64 process. sigvisor does not
// decode i386 layouts, so the call is refused with ENOSYS (-38) and recorded instead of
// running unseen. Prints the result.
#include <stdio.h>

int main(void) {
  long r = 174;  // __NR_rt_sigaction on i386
#if defined(__x86_64__)
  __asm__ volatile("int $0x80"
                   : "+a"(r)
                   : "b"(15), "c"(0), "d"(0), "S"(8)
                   : "memory", "r8", "r9", "r10", "r11");
#endif
  printf("int80 rt_sigaction(SIGTERM, NULL, NULL, 8) = %ld\n", r);
  return 0;
}
