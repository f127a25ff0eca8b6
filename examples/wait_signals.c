/*
 * wait_signals — scenario: a process that waits for signals from anyone (outside senders).
 *
 * Usage: wait_signals FILE N
 * Catches SIGUSR1 and SIGUSR2 with SA_SIGINFO handlers (other signals keep their default
 * action), writes "PID COUNT" to FILE (atomically, via FILE.tmp and rename) at start and
 * after each caught signal, so another process can wait for it and send the next one.
 *
 * Prints: one line per caught signal: "got SIGNO si_code C si_pid P si_value V".
 * Exit:   0 after N caught signals; 2 on a usage or I/O error.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static siginfo_t last;

static void on_signal(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)ctx;
  last = *si;
  caught++;
}

static int report(const char* file, int count) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE* f = fopen(tmp, "w");
  if (f == NULL || fprintf(f, "%d %d\n", (int)getpid(), count) < 0 || fclose(f) != 0) return -1;
  return rename(tmp, file);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wait_signals FILE N\n");
    return 2;
  }
  int want = atoi(argv[2]);
  sigset_t block, waitmask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, &waitmask);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  if (report(argv[1], 0) != 0) {
    perror("wait_signals: report");
    return 2;
  }
  for (int seen = 0; seen < want;) {
    sigsuspend(&waitmask); /* signals arrive only here: no race with the report */
    if (caught == seen) continue;
    seen = caught;
    printf("got %d si_code %d si_pid %d si_value %d\n", last.si_signo, last.si_code,
           (int)last.si_pid, last.si_value.sival_int);
    fflush(stdout);
    if (report(argv[1], seen) != 0) {
      perror("wait_signals: report");
      return 2;
    }
  }
  return 0;
}
