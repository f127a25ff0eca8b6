// Resource attack, bounded to be kind to a shared machine: every process forks as fast as
// it can until LIMIT processes (default 48) exist in the tree, counted in shared memory;
// every third one stops itself (SIGSTOP); all then wait forever. Only a kill ends it
// (sigvisor --timeout).
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int limit = argc > 1 ? atoi(argv[1]) : 48;
  atomic_int* count =
      mmap(NULL, sizeof *count, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (count == MAP_FAILED) return 2;
  atomic_store(count, 1);
  for (;;) {
    int n = atomic_fetch_add(count, 1);
    if (n >= limit) break;
    pid_t p = fork();
    if (p < 0) break;
    if (p == 0 && n % 3 == 0) raise(SIGSTOP);
  }
  for (;;) pause();
}
