// Starts the target: fork → child sets up its own process group (inside sigvisor's
// session), no_new_privs where it is needed, the optional Landlock domain and the seccomp
// filter, then --user's credentials, hands the listener fd to the supervisor and waits for
// "go" (sent once the engine is ready: after PTRACE_SEIZE for the notify engine) before
// execvp.
//
// no_new_privs only where it is needed (docs/ci.md): the kernel requires it to install a
// filter (or enter a Landlock domain) without CAP_SYS_ADMIN, and a policy that requires
// --user wants it (a program run unprivileged must not regain privileges through a setuid
// binary). Otherwise (sigvisor run by root, with or without --user) the filter and the
// domain are installed while the child is still privileged and no_new_privs stays off,
// so sudo, su and setuid or file-capability programs inside behave as natively; the
// filter and the domain stay on them. Exec failures are reported by the child itself (one line on
// stderr, exit 127 not found / 126 not executable), so they reach the supervisor as an ordinary
// traced exit.
#pragma once

#include <sys/types.h>

#include <csignal>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "kernel/seccomp_filter.h"
#include "run/run_as.h"
#include "terminal/pty_session.h"

namespace sigvisor {

// A signal's disposition as sigvisor's caller left it, for the program to start with
// (sigvisor ignores some for itself; ignored dispositions survive exec).
struct Disposition {
  int sig = 0;
  struct sigaction action {};
};

struct LaunchSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH like execvp
  const BpfProgram* filter = nullptr;
  sigset_t child_sigmask{};                     // signal mask the program starts with
  std::vector<Disposition> child_dispositions;  // restored in the child before exec
  const RunAs* run_as = nullptr;                // --user: the credentials to run with
  // A Landlock ruleset (landlock.h) the child enters before exec, or -1 for none.
  int landlock_ruleset = -1;
  // The program's own pseudo-terminal (pty_session.h), or nullptr: it shares ours.
  const PtyChildSide* pty = nullptr;
  // Set PR_SET_NO_NEW_PRIVS before the filter (needs_no_new_privs()).
  bool no_new_privs = true;
};

// Whether the program must run with no_new_privs: the policy wants it (it requires
// --user), or sigvisor lacks CAP_SYS_ADMIN, without which the kernel refuses a filter.
bool needs_no_new_privs(bool policy_wants_it);

struct Launched {
  pid_t pid = -1;     // the program's process
  pid_t keeper = 0;   // with a pty: the session keeper (pty_session.h), sigvisor's child
  UniqueFd listener;  // seccomp user-notification fd
  bool wait_killable = false;
  UniqueFd control;            // socket to the waiting child
  bool took_terminal = false;  // the child's group was made the terminal's foreground
};

Result<Launched> launch(const LaunchSpec& spec);
// Lets the child exec. Call after PTRACE_SEIZE.
Status release(Launched& l);
// Gives the terminal back to sigvisor's own process group if launch() took it.
void restore_terminal(const Launched& l);
// Kills a launched program that will never run, and reaps sigvisor's child (the program,
// or the keeper, which exits once the program is gone).
void discard(const Launched& l);

}  // namespace sigvisor
