// Escape attempt on the supervisor itself: its parent (sigvisor) gets RLIMIT_FSIZE = 0,
// so its next write to the event log kills it with SIGXFSZ, and RLIMIT_NOFILE = 3, so it
// cannot open what --timeout and its logs need. Prints one line per call,
// "RLIMIT_FSIZE = 0" or "RLIMIT_FSIZE = -1 ERRNO"; exits 0 if either limit was set.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int set_limit(pid_t pid, int resource, const char* name, rlim_t value) {
  struct rlimit lim = {value, value};
  long r = syscall(SYS_prlimit64, pid, resource, &lim, NULL);
  printf("%s = %s\n", name, r == 0 ? "0" : strerrorname_np(errno));
  fflush(stdout);
  return r == 0;
}

int main(void) {
  pid_t parent = getppid();
  int set = set_limit(parent, RLIMIT_FSIZE, "RLIMIT_FSIZE", 0);
  set |= set_limit(parent, RLIMIT_NOFILE, "RLIMIT_NOFILE", 3);
  return set ? 0 : 1;
}
