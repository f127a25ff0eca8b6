/*
 * indirect_signals — scenario: aiming signals at processes without a send syscall.
 *
 * Usage: indirect_signals CANARY_PID
 * 1. fcntl(pipe, F_SETOWN, CANARY_PID): SIGIO for the pipe would go to the canary (O_ASYNC
 *    is never enabled, so nothing is sent); then F_SETSIG SIGUSR1 for that owner.
 * 2. fcntl(pipe, F_SETOWN_EX, {F_OWNER_PID, own pid}), then F_SETOWN 0 (no owner).
 * 3. prctl(PR_SET_PDEATHSIG, SIGTERM): the caller is sent SIGTERM when its parent dies.
 * 4. A child makes a new session with a pty's slave as its controlling terminal; the parent
 *    sends it SIGINT with ioctl(master, TIOCSIG) — the kernel allows only SIGINT, SIGQUIT
 *    and SIGTSTP there (skipped where there is no /dev/ptmx).
 * 5. Ordinary fcntl/ioctl/prctl commands, which a supervisor should leave alone.
 *
 * Prints one line per indirect call: "NAME=0" or "NAME=ERRNO", and "tiocsig=delivered".
 * Exit: 0 iff every step ran (whatever the calls returned); 1 on an unexpected failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char* name, int rc) {
  printf("%s=%s\n", name, rc == 0 ? "0" : strerrorname_np(errno));
}

static volatile sig_atomic_t got_int;
static void on_int(int sig) {
  (void)sig;
  got_int = 1;
}

/* Step 4: returns 0 when the child got SIGINT from the TIOCSIG (or ptys are missing). */
static int tiocsig_child(void) {
  int master, slave;
  if (openpty(&master, &slave, NULL, NULL, NULL) != 0) {
    printf("tiocsig=skipped (%s)\n", strerrorname_np(errno));
    return 0;
  }
  int ready[2];
  if (pipe(ready) != 0) return 1;
  sigset_t sigint, old;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  sigprocmask(SIG_BLOCK, &sigint, &old);
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    signal(SIGINT, on_int);
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0) _exit(3);
    if (write(ready[1], "r", 1) != 1) _exit(3);
    while (!got_int) sigsuspend(&old);
    _exit(0);
  }
  char c;
  if (read(ready[0], &c, 1) != 1) return 1;
  int rc = ioctl(master, TIOCSIG, SIGINT);
  report("TIOCSIG", rc);
  if (rc != 0) kill(child, SIGKILL);
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("tiocsig child: status %#x\n", status);
    return 1;
  }
  printf("tiocsig=delivered\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: indirect_signals CANARY_PID\n");
    return 2;
  }
  int canary = atoi(argv[1]);
  int p[2];
  if (pipe(p) != 0) return 1;

  report("F_SETOWN", fcntl(p[0], F_SETOWN, canary));
  report("F_SETSIG", fcntl(p[0], F_SETSIG, SIGUSR1));
  struct f_owner_ex self = {F_OWNER_PID, getpid()};
  report("F_SETOWN_EX", fcntl(p[0], F_SETOWN_EX, &self));
  report("F_SETOWN_0", fcntl(p[0], F_SETOWN, 0));
  report("PR_SET_PDEATHSIG", prctl(PR_SET_PDEATHSIG, SIGTERM));

  /* Step 5: ordinary commands. */
  int n = 0;
  char name[16];
  if (fcntl(p[0], F_GETFL) < 0 || ioctl(p[0], FIONREAD, &n) != 0 || prctl(PR_GET_NAME, name) != 0) {
    perror("ordinary fcntl/ioctl/prctl");
    return 1;
  }
  fflush(stdout);
  return tiocsig_child();
}
