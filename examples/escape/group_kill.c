// Escape attempt through a process group (threat model §9): join a group that holds a
// process outside the tree, then signal "its own group" with kill(0, SIGUSR1) — and, to
// be sure, that group by id with kill(-pgid, SIGUSR1). SIGUSR1 would end the `sleep`
// canary, or sigvisor itself. Only possible when the program shares a session with the
// group: on a terminal, sigvisor keeps its session for the program.
// Usage: group_kill PGID     join group PGID
//        group_kill supervisor  join sigvisor's group (its parent's)
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void show(const char* what, int r) {
  printf("%s = %d %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const pid_t pgid = strcmp(argv[1], "supervisor") == 0 ? getpgid(getppid()) : atoi(argv[1]);
  if (pgid <= 0) return 2;
  int r = setpgid(0, pgid);
  show("setpgid(0, pgid)", r);
  if (r != 0) return 3;
  show("kill(0, SIGUSR1)", kill(0, SIGUSR1));
  show("kill(-pgid, SIGUSR1)", kill(-pgid, SIGUSR1));
  return 0;
}
