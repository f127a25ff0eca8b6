// See pty_session.h. Between fork and exec: async-signal-safe calls only.
#include "terminal/pty_session.h"

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace sigvisor {
namespace {

// The keeper holds nothing: not the control socket (sigvisor must see the program's
// process end during setup), not the master (if sigvisor dies, the pty hangs up), not
// the user's terminal.
void close_everything() {
  if (close_range(0, ~0U, 0) == 0) return;
  rlimit nofile{};
  const rlim_t n = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY
                       ? nofile.rlim_cur
                       : 1024;
  for (rlim_t fd = 0; fd < n; ++fd) ::close(static_cast<int>(fd));
}

[[noreturn]] void keep_session(pid_t program) {
  close_everything();
  int status = 0;
  // Stops are not ours to report (sigvisor traces the program): only its end counts.
  while (waitpid(program, &status, 0) < 0 && errno == EINTR) {
  }
  _exit(0);
}

}  // namespace

int enter_pty_session(const PtyChildSide& pty, const char** step) {
  if (setsid() < 0) {
    *step = "setsid";
    return errno;
  }
  if (ioctl(pty.slave, TIOCSCTTY, 0) != 0) {
    *step = "TIOCSCTTY";
    return errno;
  }
  const pid_t program = fork();
  if (program < 0) {
    *step = "fork";
    return errno;
  }
  if (program > 0) {
    setpgid(program, program);  // as a shell does for a job: whichever side runs first
    keep_session(program);
  }
  // The program's process: a group of its own, made the terminal's foreground. It is in
  // a background group until then, and SIGTTOU is blocked (sigvisor's mask, restored by
  // the launcher later), so tcsetpgrp does not stop it.
  if (setpgid(0, 0) != 0) {
    *step = "setpgid";
    return errno;
  }
  if (tcsetpgrp(pty.slave, getpid()) != 0) {
    *step = "tcsetpgrp";
    return errno;
  }
  for (int fd = 0; fd < 3; ++fd) {
    if (pty.on_terminal[fd] && dup2(pty.slave, fd) < 0) {
      *step = "dup2";
      return errno;
    }
  }
  if (pty.slave > 2) ::close(pty.slave);
  ::close(pty.master);
  return 0;
}

}  // namespace sigvisor
