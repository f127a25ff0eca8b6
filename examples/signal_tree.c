/*
 * signal_tree — scenario for the signal-flow picture: three processes signalling.
 *
 * The parent blocks SIGUSR1 and SIGUSR2 and forks B, which inherits the block and
 * pause()s until a SIGTERM ends it. Then it forks A, which sends B SIGUSR1 twice and
 * exits. The parent reaps A, sends B SIGUSR2 (a policy may refuse it: the result is
 * ignored) and SIGTERM, and reaps B.
 *
 * Prints: "A PID sent B PID SIGUSR1 twice", "B PID died of signal N"
 * Exit:   0 iff B died of SIGTERM; non-zero otherwise.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigprocmask(SIG_BLOCK, &set, NULL);
  fflush(stdout);
  pid_t b = fork();
  if (b == 0) {
    for (;;) pause();
  }
  pid_t a = fork();
  if (a == 0) {
    int ok = kill(b, SIGUSR1) == 0 && kill(b, SIGUSR1) == 0;
    printf("A %d sent B %d SIGUSR1 twice\n", (int)getpid(), (int)b);
    fflush(stdout);
    _exit(ok ? 0 : 1);
  }
  int st;
  if (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return 1;
  (void)kill(b, SIGUSR2);
  kill(b, SIGTERM);
  if (waitpid(b, &st, 0) != b) return 2;
  printf("B %d died of signal %d\n", (int)b, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? 0 : 1;
}
