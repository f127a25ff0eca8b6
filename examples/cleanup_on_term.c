/* A program that cleans up when cancelled, as CI jobs and daemons do: on SIGTERM, SIGINT,
 * SIGHUP or SIGQUIT it prints what it got and exits 5. Prints "ready" once its handlers
 * are in place, then waits. With "ignore" as argument it ignores SIGTERM instead (a job
 * that will not stop: only SIGKILL ends it).
 * Used by tests/integration/cancel_test.cc to compare a cancel natively and under sigvisor. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_signal(int sig) {
  char line[64];
  int n = snprintf(line, sizeof line, "cleanup after signal %d\n", sig);
  write(1, line, (size_t)n);
  _exit(5);
}

int main(int argc, char** argv) {
  int ignore = argc > 1 && strcmp(argv[1], "ignore") == 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) sigaction(sigs[i], &sa, NULL);
  if (ignore) signal(SIGTERM, SIG_IGN);
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}
