/*
 * wait_once — one signal wait, interrupted by one SIGALRM from whoever sends it.
 *
 * Usage: wait_once pause|sigsuspend|sigtimedwait
 * Installs a SIGALRM handler without SA_RESTART, blocks SIGUSR2, prints "ready PID",
 * reads one byte from stdin (the go-ahead; read() is not a call a supervisor sees) and
 * makes the one call: pause(), rt_sigsuspend(empty mask) or rt_sigtimedwait({USR2},
 * 30 s). A SIGALRM must end it: the call returns -1/EINTR after the handler ran once.
 * Prints "returned R errno NAME alarms N" and exits 0 when it was so, 1 otherwise.
 * The integration test stops sigvisor, gives the go-ahead and sends the SIGALRM while
 * the call waits in the notification queue, then lets sigvisor go on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alrm(int sig) {
  (void)sig;
  alarms++;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: wait_once pause|sigsuspend|sigtimedwait\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alrm; /* no SA_RESTART */
  sigaction(SIGALRM, &sa, NULL);
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, NULL);

  const uint64_t none = 0, want = 1ULL << (SIGUSR2 - 1);
  printf("ready %d\n", (int)getpid());
  fflush(stdout);
  char go;
  if (read(0, &go, 1) != 1) return 2;
  long r;
  if (strcmp(argv[1], "pause") == 0) {
    r = syscall(SYS_pause);
  } else if (strcmp(argv[1], "sigsuspend") == 0) {
    r = syscall(SYS_rt_sigsuspend, &none, 8);
  } else if (strcmp(argv[1], "sigtimedwait") == 0) {
    struct timespec limit = {30, 0};
    siginfo_t si;
    r = syscall(SYS_rt_sigtimedwait, &want, &si, &limit, 8);
  } else {
    fprintf(stderr, "wait_once: unknown wait %s\n", argv[1]);
    return 2;
  }
  int err = errno;
  printf("returned %ld errno %s alarms %d\n", r, r == -1 ? strerrorname_np(err) : "0", (int)alarms);
  return r == -1 && err == EINTR && alarms == 1 ? 0 : 1;
}
