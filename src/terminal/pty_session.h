// The launched child's side of the pty relay (pty_relay.h): the program's own session on
// a pseudo-terminal, built as sudo's monitor builds it, with async-signal-safe calls only.
//
// The program cannot simply be the leader of the new session: a session leader's process
// group has no parent in its session, so it is orphaned, and the kernel discards the
// SIGTSTP a ^Z sends to an orphaned group (job control would be dead). So the launched
// child becomes the session's *keeper*: setsid, the pty as controlling terminal, then it
// forks the program's process, which gets a process group of its own (the terminal's
// foreground) whose parent, the keeper, is in the same session. The keeper runs nothing
// else: it closes every descriptor, waits for the program's process and exits. It is
// sigvisor's (scope `supervisor`), not the tree's: no filter, not traced, its exit is not
// an event. If the program ends, the keeper's exit hangs the pty up, as a login session's
// end does: what is left in the terminal's foreground group gets SIGHUP.
#pragma once

#include <sys/types.h>

namespace sigvisor {

// What the launched child needs, every descriptor opened before the fork.
struct PtyChildSide {
  int slave = -1;   // becomes the controlling terminal of the program's session
  int master = -1;  // sigvisor's end: closed in the child
  // Which of stdin, stdout, stderr were on the user's terminal: they move to the slave.
  // Descriptors elsewhere (files, pipes) stay as they are, as sudo leaves them.
  bool on_terminal[3] = {false, false, false};
};

// Called first thing in the launched child. Returns 0 in the program's process (in its
// own group, the pty's foreground, stdin/stdout/stderr moved); the keeper never returns.
// A failure before the fork returns an errno in the launched child itself, with `*step`
// naming the call; a failure after it returns the errno in the program's process.
int enter_pty_session(const PtyChildSide& pty, const char** step);

}  // namespace sigvisor
