// Escape attempt through the terminal: a child leaves the session (setsid) and takes the
// terminal on stdin as its own controlling terminal by force, ioctl(0, TIOCSCTTY, 1)
// (root may steal it from another session): the supervisor's session loses its terminal.
// Prints "TIOCSCTTY = 0" or "= ERRNO" (from the child), then "terminal session: ours" or
// "terminal session: lost" as the parent sees it; exits 0 if the terminal was stolen.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    if (setsid() < 0) _exit(3);
    int r = ioctl(0, TIOCSCTTY, 1);
    printf("TIOCSCTTY = %s\n", r == 0 ? "0" : strerrorname_np(errno));
    fflush(stdout);
    _exit(r == 0 ? 0 : 1);
  }
  int status = 0;
  if (waitpid(child, &status, 0) != child) return 2;
  // Still the controlling terminal of this session, or taken away from it.
  printf("terminal session: %s\n", tcgetsid(0) == getsid(0) ? "ours" : "lost");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
