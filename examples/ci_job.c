/* ci_job — a CI job as the cancel protocols see it: a test runner and its worker child,
 * in one process group, both with handlers for SIGINT, SIGTERM, SIGQUIT and SIGHUP that
 * append what they saw to LOG, one line each ("runner SIGINT", "worker SIGTERM"):
 *   SIGINT   logged, and the job goes on (a runner's "finishing the current test");
 *   SIGTERM  logged, exit 7;   SIGQUIT  logged, exit 8;   SIGHUP  logged, exit 9.
 * The runner waits for its worker before it exits, as test runners do, and logs how the
 * worker ended ("runner: worker exited 7", "runner: worker killed by signal 9"). The
 * worker runs until a signal ends it. Prints "ready RUNNER_PID WORKER_PID" on stdout once
 * both handlers are in place. With "relay" the runner also passes each of those signals on to its
 * worker (a runner that forwards, as an init process would).
 *
 * Usage: ci_job LOG [relay]
 * Used by tests/integration/ci_*_test.cc to compare, per process, what a job sees when a
 * runner cancels it natively and under sigvisor (docs/ci.md). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int log_fd = -1;
static const char* role = "runner";
static pid_t worker = 0;
static int relay = 0;
static volatile sig_atomic_t exit_with = 0;

static void log_line(const char* text) {
  char line[96];
  int n = snprintf(line, sizeof line, "%s %s\n", role, text);
  if (n > 0) (void)!write(log_fd, line, (size_t)n);
}

static const char* name_of(int sig) {
  switch (sig) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGHUP:
      return "SIGHUP";
  }
  return "?";
}

static int status_for(int sig) {
  return sig == SIGTERM ? 7 : sig == SIGQUIT ? 8 : sig == SIGHUP ? 9 : 0;
}

static void on_signal(int sig) {
  log_line(name_of(sig));
  if (worker == 0) { /* the worker */
    if (status_for(sig) != 0) _exit(status_for(sig));
    return;
  }
  if (relay) kill(worker, sig);
  if (status_for(sig) != 0) exit_with = status_for(sig);
}

static void handle(const sigset_t* set) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_mask = *set; /* one handler at a time: each process's lines keep their order */
  const int sigs[] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; ++i) sigaction(sigs[i], &sa, NULL);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ci_job LOG [relay]\n");
    return 2;
  }
  relay = argc > 2 && strcmp(argv[2], "relay") == 0;
  log_fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    perror(argv[1]);
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  sigaddset(&set, SIGHUP);
  /* Blocked across the fork: each process runs only its own handler. */
  sigprocmask(SIG_BLOCK, &set, NULL);
  int ready[2];
  if (pipe(ready) != 0) return 2;
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    role = "worker";
    handle(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    close(ready[0]);
    (void)!write(ready[1], "r", 1);
    close(ready[1]);
    for (;;) pause();
  }
  worker = child;
  handle(&set);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  close(ready[1]);
  char c;
  while (read(ready[0], &c, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  printf("ready %d %d\n", (int)getpid(), (int)worker);
  fflush(stdout);
  int st = 0;
  while (waitpid(worker, &st, 0) < 0) {
    if (errno != EINTR) return 2;
  }
  char text[64];
  if (WIFEXITED(st)) {
    snprintf(text, sizeof text, "worker exited %d", WEXITSTATUS(st));
  } else {
    snprintf(text, sizeof text, "worker killed by signal %d", WTERMSIG(st));
  }
  log_line(text);
  if (exit_with != 0) return exit_with;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
