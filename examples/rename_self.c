/*
 * rename_self — scenario: a process that renames itself (prctl(PR_SET_NAME), as
 * stress-ng's workers and many daemons do) and then sends and receives signals.
 * Events after the rename must carry the new name, not the one exec gave it.
 *
 * Usage: rename_self NEWNAME
 * Renames itself NEWNAME, then forks a child that renames itself NEWNAME-kid and sends
 * SIGUSR1 to its parent; the parent catches it (a handler), then sends SIGUSR2 to
 * itself and catches that too; the child exits and the parent reaps it.
 *
 * Prints: "renamed NAME pid P" then "got SIGUSR1 from C" and "got SIGUSR2".
 * Exit:   0 when both signals were caught; 1 otherwise.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got1, got2;
static volatile pid_t from;

static void on_usr1(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)ctx;
  from = si->si_pid;
  got1 = 1;
}

static void on_usr2(int sig) {
  (void)sig;
  got2 = 1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: rename_self NEWNAME\n");
    return 2;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGUSR2, on_usr2);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);  /* until we wait for it: no race with the child */

  prctl(PR_SET_NAME, argv[1]);
  printf("renamed %s pid %d\n", argv[1], (int)getpid());
  fflush(stdout);
  pid_t parent = getpid();
  pid_t kid = fork();
  if (kid == 0) {
    char name[16];
    snprintf(name, sizeof name, "%.11s-kid", argv[1]);
    prctl(PR_SET_NAME, name);
    kill(parent, SIGUSR1);
    _exit(0);
  }
  while (!got1) sigsuspend(&old);
  printf("got SIGUSR1 from %d\n", (int)from);
  kill(getpid(), SIGUSR2);
  if (got2) printf("got SIGUSR2\n");
  waitpid(kid, NULL, 0);
  return got1 && got2 ? 0 : 1;
}
