/*
 * queue_handler — scenario: sigqueue data delivered to a handler (so there is a delivery
 * stop), honestly or with a forged sender.
 *
 * Usage: queue_handler [forge]
 * The parent blocks SIGUSR1, forks a child that waits in sigsuspend() with a SA_SIGINFO
 * handler, and queues SIGUSR1 with value 42: with sigqueue() (si_pid = its own pid), or
 * with "forge", rt_sigqueueinfo() claiming si_pid 1 and si_uid 12345.
 *
 * Prints (child): "child PID got SIGUSR1 si_code C si_pid P si_uid U value V"
 * Exit:   0 iff the child caught the signal with value 42; non-zero with a message.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;
static siginfo_t info;

static void on_usr1(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)ctx;
  info = *si;
  got = 1;
}

int main(int argc, char** argv) {
  int forge = argc > 1 && strcmp(argv[1], "forge") == 0;
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  fflush(stdout);
  pid_t child = fork();
  if (child < 0) {
    perror("queue_handler: fork");
    return 2;
  }
  if (child == 0) {
    while (!got) sigsuspend(&old);
    printf("child %d got SIGUSR1 si_code %d si_pid %d si_uid %u value %d\n", (int)getpid(),
           info.si_code, (int)info.si_pid, (unsigned)info.si_uid, info.si_value.sival_int);
    fflush(stdout);
    _exit(info.si_value.sival_int == 42 ? 0 : 1);
  }
  int r;
  if (forge) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = 1;
    si.si_uid = 12345;
    si.si_value.sival_int = 42;
    r = (int)syscall(SYS_rt_sigqueueinfo, child, SIGUSR1, &si);
  } else {
    union sigval v;
    memset(&v, 0, sizeof v);
    v.sival_int = 42;
    r = sigqueue(child, SIGUSR1, v);
  }
  if (r != 0) {
    perror("queue_handler: send");
    kill(child, SIGKILL);
  }
  int st;
  if (waitpid(child, &st, 0) != child) return 2;
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
