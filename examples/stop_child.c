/* A parent doing job control on its child, as a shell does: kill(child, SIG) with a
 * stopping signal, waitpid(WUNTRACED) to see the stop, SIGCONT, then SIGTERM.
 * Usage: stop_child STOP|TSTP|TTIN|TTOU. Prints what the parent saw; exits 0.
 * Natively (and under strace) the child stops; in an orphaned process group the kernel
 * discards TSTP/TTIN/TTOU and the parent would wait forever: sigvisor must not make the
 * program's group orphaned (tests/integration/job_control_test.cc). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* names[] = {"STOP", "TSTP", "TTIN", "TTOU"};
  const int sigs[] = {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
  int sig = 0;
  for (int i = 0; i < 4; ++i) {
    if (argc > 1 && strcmp(argv[1], names[i]) == 0) sig = sigs[i];
  }
  if (sig == 0) {
    fprintf(stderr, "usage: stop_child STOP|TSTP|TTIN|TTOU\n");
    return 2;
  }
  pid_t child = fork();
  if (child == 0) {
    for (;;) pause();
  }
  int st = 0;
  kill(child, sig);
  if (waitpid(child, &st, WUNTRACED) != child) return 1;
  if (WIFSTOPPED(st)) printf("child stopped by %s\n", strsignal(WSTOPSIG(st)));
  kill(child, SIGCONT);
  kill(child, SIGTERM);
  if (waitpid(child, &st, 0) != child) return 1;
  if (WIFSIGNALED(st)) printf("child killed by %s\n", strsignal(WTERMSIG(st)));
  return 0;
}
