// See launcher.h. The child runs only async-signal-safe code between fork and exec:
// the supervisor may already have other threads by then in future designs.
#include "run/launcher.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>

#include "kernel/landlock.h"

namespace sigvisor {
namespace {

// Message from the child: an fd (SCM_RIGHTS) plus a small header.
struct Hello {
  int err;   // 0, or errno of the failed setup step
  int step;  // which step failed
  int wait_killable;
  pid_t pid;  // the sender: the program's process (with a pty, not the one forked here)
};

constexpr const char* kSteps[] = {"setpgid",
                                  "PR_SET_NO_NEW_PRIVS",
                                  "seccomp",
                                  "sendmsg",
                                  "landlock_restrict_self",
                                  "setgroups",
                                  "setgid",
                                  "setuid",
                                  "capabilities left",
                                  "setsid (pty session)",
                                  "TIOCSCTTY (pty session)",
                                  "fork (pty session)",
                                  "setpgid (pty session)",
                                  "tcsetpgrp (pty session)",
                                  "dup2 (pty session)"};
enum Step {
  kStepSetpgid,
  kStepNoNewPrivs,
  kStepSeccomp,
  kStepSendmsg,
  kStepLandlock,
  kStepSetgroups,
  kStepSetgid,
  kStepSetuid,
  kStepCaps,
  kStepPtyFirst,  // the pty session's steps, in pty_session.cc's order
  kStepPtyLast = kStepPtyFirst + 5
};

// "setsid" -> "setsid (pty session)"
int pty_step(const char* name) {
  for (int s = kStepPtyFirst; s <= kStepPtyLast; ++s) {
    const char* k = kSteps[s];
    std::size_t n = std::strlen(name);
    if (std::strncmp(k, name, n) == 0 && k[n] == ' ') return s;
  }
  return kStepPtyFirst;
}

int run_as_step(const char* name) {
  for (int s = kStepSetgroups; s <= kStepCaps; ++s) {
    if (std::strcmp(kSteps[s], name) == 0) return s;
  }
  return kStepSetuid;
}

void write_all(int fd, const char* s) {
  (void)!::write(fd, s, std::strlen(s));
}

// The target gets its own process group inside sigvisor's session, as a shell job does,
// with or without a terminal. A group in a new session (setsid) would be orphaned, and the
// kernel discards SIGTSTP, SIGTTIN and SIGTTOU sent to an orphaned group: a parent doing
// kill(child, SIGTSTP); waitpid(WUNTRACED) would wait forever. Joining a group with
// members outside the tree is what the policy polices (kill(0) then resolves to the
// outside or to the supervisor: tasks/scope_rules.cc), not the session layout.
// With a pty of its own the program's process is forked once more, by the session's keeper
// (pty_session.h), and already leads its group.
[[noreturn]] void child_main(const LaunchSpec& spec, int sock, char** argv) {
  Hello hello{0, 0, 0, 0};
  int listener = -1;
  int landlock_err = 0;
  int cred_err = 0;
  int pty_err = 0;
  const char* cred_step = "";
  const char* pty_step_name = "";
  // Before the mask is restored: SIGTTOU stays blocked while the program's process
  // takes the pty's foreground.
  if (spec.pty != nullptr) pty_err = enter_pty_session(*spec.pty, &pty_step_name);
  hello.pid = getpid();
  // Restore the mask now: once the filter is in place this would be a traced call.
  sigprocmask(SIG_SETMASK, &spec.child_sigmask, nullptr);
  for (const Disposition& d : spec.child_dispositions) sigaction(d.sig, &d.action, nullptr);
  // The filter (and the Landlock domain) go in while the child still has sigvisor's
  // privileges, --user's credentials after them: without no_new_privs that needs them,
  // and with it the order does not matter.
  if (pty_err != 0) {
    hello = {pty_err, pty_step(pty_step_name), 0, hello.pid};
  } else if (setpgid(0, 0) != 0) {
    hello = {errno, kStepSetpgid, 0, hello.pid};
  } else if (spec.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    hello = {errno, kStepNoNewPrivs, 0, hello.pid};
  } else if (spec.landlock_ruleset >= 0 &&
             (landlock_err = enter_landlock_domain(spec.landlock_ruleset)) != 0) {
    hello = {-landlock_err, kStepLandlock, 0, hello.pid};
  } else {
    InstalledFilter f = install_filter(*spec.filter);
    if (f.listener < 0) {
      hello = {-f.listener, kStepSeccomp, 0, hello.pid};
    } else {
      listener = f.listener;
      hello.wait_killable = f.wait_killable ? 1 : 0;
      // Not routed by the filter (setgroups, setresgid, setresuid, capget): nothing waits
      // for sigvisor, which has no listener yet.
      if (spec.run_as != nullptr && (cred_err = apply_run_as(*spec.run_as, &cred_step)) != 0) {
        hello = {-cred_err, run_as_step(cred_step), 0, hello.pid};
        ::close(listener);
        listener = -1;
      }
    }
  }
  iovec iov{&hello, sizeof hello};
  alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (listener >= 0) {
    msg.msg_control = ctrl;
    msg.msg_controllen = sizeof ctrl;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &listener, sizeof(int));
  }
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 || hello.err != 0) _exit(125);
  ::close(listener);
  char go = 0;
  if (::read(sock, &go, 1) != 1) _exit(125);  // the supervisor went away: never run unsupervised
  execvp(argv[0], argv);
  int err = errno;
  write_all(2, "sigvisor: ");
  write_all(2, argv[0]);
  write_all(2, err == ENOENT ? ": command not found\n" : ": cannot execute: ");
  if (err != ENOENT) {
    write_all(2, std::strerror(err));
    write_all(2, "\n");
  }
  _exit(err == ENOENT ? 127 : 126);
}

bool has_cap_sys_admin() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  return (data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32))) != 0;
}

bool foreground_terminal() {
  return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

}  // namespace

bool needs_no_new_privs(bool policy_wants_it) {
  return policy_wants_it || !has_cap_sys_admin();
}

Result<Launched> launch(const LaunchSpec& spec) {
  if (spec.argv.empty()) return make_error("no program to run");
  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return make_error(std::string("socketpair: ") + std::strerror(errno));
  }
  UniqueFd ours(sv[0]);
  UniqueFd theirs(sv[1]);
  // With a pty of its own the program never gets our terminal.
  const bool fg = spec.pty == nullptr && foreground_terminal();

  pid_t pid = fork();
  if (pid < 0) return make_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ours.release();
    child_main(spec, theirs.get(), argv.data());
  }
  theirs.reset();
  Launched l;
  l.pid = pid;
  l.control = std::move(ours);

  Hello hello{};
  iovec iov{&hello, sizeof hello};
  alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrl;
  msg.msg_controllen = sizeof ctrl;
  ssize_t n = recvmsg(l.control.get(), &msg, MSG_CMSG_CLOEXEC);
  if (n == static_cast<ssize_t>(sizeof hello) && hello.pid > 0 && hello.pid != pid) {
    l.pid = hello.pid;  // forked by the pty session's keeper, which is ours
    l.keeper = pid;
  }
  auto fail = [&](std::string why) -> Result<Launched> {
    discard(l);
    return make_error(std::move(why));
  };
  if (n != static_cast<ssize_t>(sizeof hello)) return fail("the launched child died during setup");
  if (hello.err != 0) {
    std::string why = std::string("setting up the target: ") +
                      kSteps[static_cast<unsigned>(hello.step) % std::size(kSteps)] + ": " +
                      std::strerror(hello.err);
    if (hello.step >= kStepSetgroups && hello.step <= kStepSetuid && hello.err == EPERM) {
      why += " (--user needs sigvisor to run as root)";
    }
    if (hello.step == kStepSeccomp && hello.err == EBUSY) {
      why +=
          " (a seccomp notification listener is already installed by an ancestor; "
          "sigvisor cannot run under another user-notification supervisor)";
    }
    return fail(why);
  }
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (c == nullptr || c->cmsg_type != SCM_RIGHTS) return fail("no listener fd from the child");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
  l.listener.reset(fd);
  l.wait_killable = hello.wait_killable != 0;

  if (fg) {
    // Give the terminal to the target's group, as a shell would for a foreground job.
    // SIGTTOU is ignored around the call: we are about to become a background group.
    struct sigaction ign {
    }, old{};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &ign, &old);
    l.took_terminal = tcsetpgrp(STDIN_FILENO, l.pid) == 0;
    sigaction(SIGTTOU, &old, nullptr);
  }
  return l;
}

void discard(const Launched& l) {
  kill(l.pid, SIGKILL);
  if (l.keeper > 0) kill(l.keeper, SIGKILL);
  waitpid(l.keeper > 0 ? l.keeper : l.pid, nullptr, 0);
}

Status release(Launched& l) {
  char go = 1;
  if (::write(l.control.get(), &go, 1) != 1) {
    return make_error(std::string("starting the target: ") + std::strerror(errno));
  }
  l.control.reset();
  return Ok{};
}

void restore_terminal(const Launched& l) {
  if (!l.took_terminal) return;
  struct sigaction ign {
  }, old{};
  ign.sa_handler = SIG_IGN;
  sigaction(SIGTTOU, &ign, &old);
  tcsetpgrp(STDIN_FILENO, getpgrp());
  sigaction(SIGTTOU, &old, nullptr);
}

}  // namespace sigvisor
