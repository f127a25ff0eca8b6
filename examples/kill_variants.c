/*
 * kill_variants — scenario: SIGKILL through tgkill or a pidfd (who killed my process?).
 *
 * Usage: kill_variants tgkill|pidfd
 * Forks a child that reports through a pipe that it is up and blocks in pause(); the
 * parent sends it SIGKILL with tgkill(child, child, SIGKILL) or
 * pidfd_send_signal(pidfd_open(child), SIGKILL, NULL, 0), then reaps it.
 *
 * Prints: "sent SIGKILL to PID with HOW"
 * Exit:   0 iff the child died of SIGKILL; 3 if the kernel lacks pidfds; else non-zero.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int main(int argc, char** argv) {
  if (argc != 2 || (strcmp(argv[1], "tgkill") != 0 && strcmp(argv[1], "pidfd") != 0)) {
    fprintf(stderr, "usage: kill_variants tgkill|pidfd\n");
    return 2;
  }
  int p[2];
  if (pipe(p) != 0) return 2;
  pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    if (write(p[1], "x", 1) != 1) _exit(2);
    for (;;) pause();
  }
  close(p[1]);
  char c;
  if (read(p[0], &c, 1) != 1) return 2;
  long r;
  if (strcmp(argv[1], "tgkill") == 0) {
    r = syscall(SYS_tgkill, child, child, SIGKILL);
  } else {
    int fd = (int)syscall(SYS_pidfd_open, child, 0);
    if (fd < 0) {
      kill(child, SIGKILL);
      waitpid(child, NULL, 0);
      return errno == ENOSYS ? 3 : 1;
    }
    r = syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
  }
  if (r != 0) {
    perror("kill_variants: send");
    kill(child, SIGKILL);
  }
  printf("sent SIGKILL to %d with %s\n", (int)child, argv[1]);
  fflush(stdout);
  int st;
  if (waitpid(child, &st, 0) != child) return 2;
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && r == 0 ? 0 : 1;
}
