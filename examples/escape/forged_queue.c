// Escape attempt: rt_sigqueueinfo(PID, SIGTERM) with a forged siginfo claiming to come
// from init (si_code SI_ASYNCIO, si_pid 1, si_uid 0). Exits 0 only if it was sent.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  int pid = atoi(argv[1]);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = SIGTERM;
  si.si_code = SI_ASYNCIO;
  si.si_pid = 1;
  si.si_uid = 0;
  long r = syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si);
  printf("rt_sigqueueinfo(%d, SIGTERM, {si_code=SI_ASYNCIO, si_pid=1}) = %ld %s\n", pid, r,
         r == 0 ? "" : strerrorname_np(errno));
  return r == 0 ? 0 : 1;
}
