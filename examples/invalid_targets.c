// Calls the kernel rejects on their arguments, one line each with the errno it gave:
// the output must be the same natively and under sigvisor with any policy (their scope
// is `invalid`: the program gets the kernel's own answer, never a policy's EPERM).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char* what, long r) {
  printf("%s = %ld %s\n", what, r, r < 0 ? strerrorname_np(errno) : "");
  fflush(stdout);
}

int main(void) {
  const pid_t self = getpid();
  const pid_t tid = (pid_t)syscall(SYS_gettid);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = SIGUSR1;
  si.si_code = SI_QUEUE;
  si.si_pid = self;
  si.si_uid = getuid();
  int pipefd[2];
  if (pipe(pipefd) != 0) return 2;

  show("tkill(-1, SIGUSR1)", syscall(SYS_tkill, -1, SIGUSR1));
  show("tkill(0, SIGUSR1)", syscall(SYS_tkill, 0, SIGUSR1));
  show("tgkill(-1, -1, SIGUSR1)", syscall(SYS_tgkill, -1, -1, SIGUSR1));
  show("tgkill(self, 0, SIGUSR1)", syscall(SYS_tgkill, self, 0, SIGUSR1));
  show("tgkill(self, tid, 99)", syscall(SYS_tgkill, self, tid, 99));
  show("rt_sigqueueinfo(-1, SIGUSR1)", syscall(SYS_rt_sigqueueinfo, -1, SIGUSR1, &si));
  show("rt_sigqueueinfo(0, SIGUSR1)", syscall(SYS_rt_sigqueueinfo, 0, SIGUSR1, &si));
  show("rt_tgsigqueueinfo(-1, -1, SIGUSR1)",
       syscall(SYS_rt_tgsigqueueinfo, -1, -1, SIGUSR1, &si));
  show("kill(self, 65)", syscall(SYS_kill, self, 65));
  show("kill(-1, 65)", syscall(SYS_kill, -1, 65));
  show("kill(INT_MIN, SIGUSR1)", syscall(SYS_kill, INT_MIN, SIGUSR1));
  show("pidfd_send_signal(0, SIGUSR1)", syscall(SYS_pidfd_send_signal, 0, SIGUSR1, NULL, 0));
  show("pidfd_send_signal(pipe, SIGUSR1)",
       syscall(SYS_pidfd_send_signal, pipefd[0], SIGUSR1, NULL, 0));
  show("pidfd_send_signal(999, SIGUSR1)", syscall(SYS_pidfd_send_signal, 999, SIGUSR1, NULL, 0));
  show("pidfd_send_signal(-1, SIGUSR1)", syscall(SYS_pidfd_send_signal, -1, SIGUSR1, NULL, 0));
  show("pidfd_send_signal(0, SIGUSR1, flags 8)",
       syscall(SYS_pidfd_send_signal, 0, SIGUSR1, NULL, 8));
  show("pidfd_open(-1)", syscall(SYS_pidfd_open, -1, 0));
  show("pidfd_open(0)", syscall(SYS_pidfd_open, 0, 0));
  return 0;
}
