// Escape attempt: SIGKILL every thread of the supervisor by its thread id (its threads
// are listed in /proc/PPID/task: the launched program's parent is sigvisor), through
// kill, tkill and tgkill. Each must be refused; the program prints one line per attempt
// (without ids, so runs compare) and the number of threads it found.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char* what, long r) {
  printf("%s = %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  fflush(stdout);
}

int main(void) {
  const pid_t sup = getppid();
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)sup);
  DIR* d = opendir(path);
  if (d == NULL) return 2;
  int threads = 0;
  for (struct dirent* e; (e = readdir(d)) != NULL;) {
    const pid_t tid = (pid_t)atoi(e->d_name);
    if (tid <= 0) continue;
    ++threads;
    show("kill(thread, SIGKILL)", syscall(SYS_kill, tid, SIGKILL));
    show("tkill(thread, SIGKILL)", syscall(SYS_tkill, tid, SIGKILL));
    show("tgkill(supervisor, thread, SIGKILL)", syscall(SYS_tgkill, sup, tid, SIGKILL));
  }
  closedir(d);
  printf("threads: %d\n", threads);
  return 0;
}
