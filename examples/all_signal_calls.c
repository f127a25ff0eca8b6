/*
 * all_signal_calls — every call of the signal-syscall family, with valid and
 * invalid arguments, for comparing sigvisor's decoding with strace's
 * (tests/integration/strace_parity_test.cc) and for -c counts
 * (tests/integration/summary_test.cc).
 *
 * Deterministic: no sleeps, no timers; one process except for pause(), which
 * a helper child wakes with SIGALRM once /proc shows the parent inside pause
 * (a timer could fire before pause is entered and hang it). Raw syscall() is
 * used wherever libc would change the arguments, so the calls are exactly the
 * ones listed in EXPECTED_CALLS below. With ASLR off (setarch -R) every
 * argument is the same from run to run except the pids.
 *
 * Prints nothing on success.
 * Exit: 0 iff every call returned what the kernel is expected to return;
 *       1 with one line per surprise on stderr.
 *
 * The per-syscall counts (calls, errors) on x86_64 — summary_test.cc asserts
 * them; keep it in step when adding calls:
 *   rt_sigprocmask 11/3, rt_sigaction 12/3, kill 8/2, tkill 3/1, tgkill 3/1,
 *   rt_sigqueueinfo 2/1, rt_tgsigqueueinfo 1/0, pidfd_open 2/1,
 *   pidfd_send_signal 3/1, signalfd4 3/2, signalfd 1/0, rt_sigtimedwait 8/2,
 *   rt_sigpending 4/1, rt_sigsuspend 2/2, pause 1/1, sigaltstack 6/2,
 *   rt_sigreturn 2/2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif

/* The kernel's struct sigaction on x86_64 and the generic ABI (aarch64). */
struct ksigaction {
  void (*handler)(int); /* or void (*)(int, siginfo_t*, void*) with SA_SIGINFO */
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

static int failures;
static volatile sig_atomic_t caught_usr1, caught_alrm;

static uint64_t bit(int sig) {
  return 1ULL << (sig - 1);
}

/* The raw result: the return value, or -errno. */
static long result(long r) {
  return r == -1 ? -errno : r;
}
#define CALL(...) result(syscall(__VA_ARGS__))

static void expect(const char* what, long got, long want) {
  if (got != want) {
    fprintf(stderr, "all_signal_calls: %s: got %ld, want %ld\n", what, got, want);
    failures++;
  }
}

static void on_signal(int sig, siginfo_t* si, void* uc) {
  (void)si;
  (void)uc;
  if (sig == SIGUSR1) caught_usr1++;
  if (sig == SIGALRM) caught_alrm++;
}

/* rt_sigprocmask: 11 calls, 3 errors. Leaves [USR1 USR2] blocked. */
static void mask_calls(void) {
  uint64_t none = 0, all = ~0ULL, set = bit(SIGUSR1) | bit(SIGUSR2), old = 0;
  expect("SETMASK []", CALL(SYS_rt_sigprocmask, SIG_SETMASK, &none, &old, 8), 0);
  expect("BLOCK [USR1 USR2]", CALL(SYS_rt_sigprocmask, SIG_BLOCK, &set, &old, 8), 0);
  expect("old mask after BLOCK", (long)old, 0);
  uint64_t usr2 = bit(SIGUSR2);
  expect("UNBLOCK [USR2]", CALL(SYS_rt_sigprocmask, SIG_UNBLOCK, &usr2, &old, 8), 0);
  expect("old mask after UNBLOCK", (long)old, (long)set);
  expect("SETMASK ~[]", CALL(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8), 0);
  uint64_t rt = set | bit(32) | bit(33) | bit(40);
  expect("SETMASK with RT", CALL(SYS_rt_sigprocmask, SIG_SETMASK, &rt, &old, 8), 0);
  expect("old mask after ~[]", (long)old, (long)~(bit(SIGKILL) | bit(SIGSTOP)));
  expect("SETMASK [USR1 USR2]", CALL(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, 8), 0);
  expect("bad how", CALL(SYS_rt_sigprocmask, 7, &set, &old, 8), -EINVAL);
  expect("NULL set", CALL(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8), 0);
  expect("queried mask", (long)old, (long)set);
  expect("bad sigsetsize", CALL(SYS_rt_sigprocmask, SIG_BLOCK, &set, &old, 4), -EINVAL);
  expect("unreadable set", CALL(SYS_rt_sigprocmask, SIG_BLOCK, (void*)8, NULL, 8), -EFAULT);
  expect("NULL both", CALL(SYS_rt_sigprocmask, SIG_SETMASK, NULL, NULL, 8), 0);
}

/* rt_sigaction: 12 calls (2 through libc), 3 errors. Leaves handlers on USR1, ALRM. */
static void action_calls(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  /* libc adds SA_RESTORER and its restorer: the form every program sends. */
  expect("sigaction USR1", result(sigaction(SIGUSR1, &sa, NULL)), 0);
  struct ksigaction old, act;
  memset(&old, 0, sizeof old);
  expect("query USR1", CALL(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8), 0);
  expect("queried flags", (long)old.flags, (long)(SA_SIGINFO | SA_RESTART | SA_RESTORER));
  void (*restorer)(void) = old.restorer;

  memset(&act, 0, sizeof act);
  act.handler = SIG_IGN;
  expect("SIG_IGN USR2", CALL(SYS_rt_sigaction, SIGUSR2, &act, &old, 8), 0);
  act.handler = SIG_DFL;
  act.mask = bit(SIGINT) | bit(SIGTERM);
  expect("SIG_DFL USR2", CALL(SYS_rt_sigaction, SIGUSR2, &act, &old, 8), 0);
  expect("old handler SIG_IGN", (long)(intptr_t)old.handler, (long)(intptr_t)SIG_IGN);
  act.handler = (void (*)(int))(void (*)(void))on_signal;
  act.flags = SA_SIGINFO | SA_RESTORER;
  act.restorer = restorer;
  act.mask = 0;
  expect("SIGKILL handler", CALL(SYS_rt_sigaction, SIGKILL, &act, NULL, 8), -EINVAL);
  expect("signal 65", CALL(SYS_rt_sigaction, 65, &act, NULL, 8), -EINVAL);
  expect("bad sigsetsize", CALL(SYS_rt_sigaction, SIGUSR2, &act, NULL, 4), -EINVAL);
  /* Unknown flag bits: accepted, and cleared (Linux 5.11+), as the query shows. */
  act.handler = SIG_DFL;
  act.flags = SA_RESTART | 0x200;
  act.restorer = NULL;
  expect("unknown flag bits", CALL(SYS_rt_sigaction, SIGUSR2, &act, NULL, 8), 0);
  expect("query USR2", CALL(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8), 0);
  act.flags = 0x200;
  expect("only unknown bits", CALL(SYS_rt_sigaction, SIGCHLD, &act, &old, 8), 0);
  expect("restore SIGCHLD", CALL(SYS_rt_sigaction, SIGCHLD, &old, NULL, 8), 0);

  /* SIGALRM for pause: no SA_RESTART, so pause returns EINTR in every mode. */
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  expect("sigaction ALRM", result(sigaction(SIGALRM, &sa, NULL)), 0);
}

/* The send family to ourselves; USR1 and USR2 are blocked, so nothing is delivered.
 * kill 4/2, tkill 3/1, tgkill 3/1, rt_sigqueueinfo 2/1, rt_tgsigqueueinfo 1/0,
 * pidfd_open 2/1, pidfd_send_signal 3/1, rt_sigtimedwait 5/0, rt_sigpending 1/0. */
static void send_calls(void) {
  const pid_t pid = getpid();
  const pid_t tid = gettid();
  siginfo_t info;
  const uint64_t usr1 = bit(SIGUSR1), usr2 = bit(SIGUSR2);
  expect("kill 0", CALL(SYS_kill, pid, 0), 0);
  expect("tkill 0", CALL(SYS_tkill, tid, 0), 0);
  expect("tgkill 0", CALL(SYS_tgkill, pid, tid, 0), 0);
  expect("kill bad signal", CALL(SYS_kill, pid, 99), -EINVAL);
  expect("tkill bad signal", CALL(SYS_tkill, tid, -1), -EINVAL);
  expect("tgkill bad signal", CALL(SYS_tgkill, pid, tid, 65), -EINVAL);
  expect("kill missing pid", CALL(SYS_kill, INT_MAX, 0), -ESRCH);

  expect("kill USR1", CALL(SYS_kill, pid, SIGUSR1), 0);
  expect("tkill USR2", CALL(SYS_tkill, tid, SIGUSR2), 0);
  expect("tgkill USR2 (merged)", CALL(SYS_tgkill, pid, tid, SIGUSR2), 0);
  uint64_t pending = 0;
  expect("sigpending", CALL(SYS_rt_sigpending, &pending, 8), 0);
  expect("pending set", (long)pending, (long)(usr1 | usr2));
  expect("wait USR1", CALL(SYS_rt_sigtimedwait, &usr1, &info, NULL, 8), SIGUSR1);
  expect("wait USR2", CALL(SYS_rt_sigtimedwait, &usr2, &info, NULL, 8), SIGUSR2);

  memset(&info, 0, sizeof info);
  info.si_signo = SIGUSR1;
  info.si_code = SI_QUEUE;
  info.si_pid = pid;
  info.si_uid = getuid();
  info.si_value.sival_int = 42;
  expect("sigqueueinfo", CALL(SYS_rt_sigqueueinfo, pid, SIGUSR1, &info), 0);
  siginfo_t got;
  expect("wait queued", CALL(SYS_rt_sigtimedwait, &usr1, &got, NULL, 8), SIGUSR1);
  expect("queued si_int", got.si_value.sival_int, 42);
  info.si_signo = SIGUSR2;
  info.si_value.sival_int = 7;
  expect("tgsigqueueinfo", CALL(SYS_rt_tgsigqueueinfo, pid, tid, SIGUSR2, &info), 0);
  expect("wait tg-queued", CALL(SYS_rt_sigtimedwait, &usr2, &got, NULL, 8), SIGUSR2);
  expect("sigqueueinfo EFAULT", CALL(SYS_rt_sigqueueinfo, pid, SIGUSR1, (void*)8), -EFAULT);

  long pidfd = CALL(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) {
    expect("pidfd_open", pidfd, 3);
    return;
  }
  expect("pidfd_send_signal 0", CALL(SYS_pidfd_send_signal, pidfd, 0, NULL, 0), 0);
  expect("pidfd_send_signal USR1", CALL(SYS_pidfd_send_signal, pidfd, SIGUSR1, NULL, 0), 0);
  expect("wait pidfd's", CALL(SYS_rt_sigtimedwait, &usr1, &got, NULL, 8), SIGUSR1);
  expect("pidfd_send_signal flags", CALL(SYS_pidfd_send_signal, pidfd, 0, NULL, 8), -EINVAL);
  expect("pidfd_open flags", CALL(SYS_pidfd_open, pid, 1), -EINVAL);
  close((int)pidfd);
}

/* signalfd4 3/2, signalfd 1/0 (where the architecture has it), kill 1/0. */
static void fd_calls(void) {
  const uint64_t usr1 = bit(SIGUSR1);
  long sfd = CALL(SYS_signalfd4, -1, &usr1, 8, SFD_NONBLOCK | SFD_CLOEXEC);
  expect("signalfd4", sfd >= 0 ? 0 : sfd, 0);
  expect("signalfd4 bad flags", CALL(SYS_signalfd4, -1, &usr1, 8, 1), -EINVAL);
  expect("signalfd4 bad size", CALL(SYS_signalfd4, -1, &usr1, 4, 0), -EINVAL);
#ifdef SYS_signalfd
  long legacy = CALL(SYS_signalfd, -1, &usr1, 8);
  expect("signalfd", legacy >= 0 ? 0 : legacy, 0);
  if (legacy >= 0) close((int)legacy);
#endif
  expect("kill USR1 for the signalfd", CALL(SYS_kill, getpid(), SIGUSR1), 0);
  struct signalfd_siginfo si;
  if (sfd >= 0) {
    expect("read signalfd", read((int)sfd, &si, sizeof si), (long)sizeof si);
    close((int)sfd);
  }
}

/* rt_sigtimedwait 3/2, rt_sigpending 3/1, rt_sigsuspend 2/2 (+ rt_sigreturn 1/1), kill 2/0. */
static void wait_calls(void) {
  const uint64_t usr1 = bit(SIGUSR1);
  siginfo_t info;
  struct timespec zero = {0, 0};
  expect("timedwait nothing pending", CALL(SYS_rt_sigtimedwait, &usr1, &info, &zero, 8), -EAGAIN);
  expect("timedwait bad size", CALL(SYS_rt_sigtimedwait, &usr1, &info, &zero, 4), -EINVAL);
  expect("kill USR1 to wait for", CALL(SYS_kill, getpid(), SIGUSR1), 0);
  expect("timedwait pending", CALL(SYS_rt_sigtimedwait, &usr1, &info, &zero, 8), SIGUSR1);

  uint64_t pending = ~0ULL;
  expect("sigpending 8", CALL(SYS_rt_sigpending, &pending, 8), 0);
  expect("sigpending 4", CALL(SYS_rt_sigpending, &pending, 4), 0);
  expect("sigpending 9", CALL(SYS_rt_sigpending, &pending, 9), -EINVAL);

  /* A pending blocked USR1, then suspend with a mask that lets it in: the handler runs
   * at once and rt_sigsuspend fails with EINTR. */
  expect("kill USR1 to suspend for", CALL(SYS_kill, getpid(), SIGUSR1), 0);
  const uint64_t usr2 = bit(SIGUSR2);
  expect("sigsuspend bad size", CALL(SYS_rt_sigsuspend, &usr2, 4), -EINVAL);
  expect("sigsuspend", CALL(SYS_rt_sigsuspend, &usr2, 8), -EINTR);
  expect("USR1 handler ran", caught_usr1, 1);
}

/* sigaltstack 6/2. */
static void stack_calls(void) {
  static char altstack[262144];
  stack_t ss, old;
  memset(&ss, 0, sizeof ss);
  memset(&old, 0, sizeof old);
  ss.ss_sp = altstack;
  ss.ss_size = sizeof altstack;
  expect("sigaltstack set", CALL(SYS_sigaltstack, &ss, &old), 0);
  expect("old stack disabled", old.ss_flags, SS_DISABLE);
  expect("sigaltstack query", CALL(SYS_sigaltstack, NULL, &old), 0);
  expect("queried size", (long)old.ss_size, (long)sizeof altstack);
  ss.ss_flags = 4;
  expect("sigaltstack bad flags", CALL(SYS_sigaltstack, &ss, NULL), -EINVAL);
  ss.ss_flags = 0;
  ss.ss_size = 1024;
  expect("sigaltstack too small", CALL(SYS_sigaltstack, &ss, NULL), -ENOMEM);
  ss.ss_flags = SS_DISABLE;
  expect("sigaltstack disable", CALL(SYS_sigaltstack, &ss, &old), 0);
  expect("sigaltstack NULL NULL", CALL(SYS_sigaltstack, NULL, NULL), 0);
}

#ifdef SYS_pause
/* Whether `pid` sleeps in pause(): /proc/PID/syscall names the call; where it cannot be
 * read, the sleeping state in /proc/PID/stat (the parent does nothing else meanwhile). */
static int in_pause(pid_t pid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      buf[n] = '\0';
      char want[16];
      snprintf(want, sizeof want, "%d ", (int)SYS_pause);
      return strncmp(buf, want, strlen(want)) == 0;
    }
  }
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* close_paren = strrchr(buf, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'S';
}

/* pause 1/1 (+ rt_sigreturn 1/1) in this process, kill 1/0 in the helper child. */
static void pause_call(void) {
  const pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) {
    expect("fork", -errno, 0);
    return;
  }
  if (child == 0) {
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
      if (in_pause(parent)) break;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec > 20) break; /* never hang the test forever */
    }
    _exit(syscall(SYS_kill, parent, SIGALRM) == 0 ? 0 : 1);
  }
  expect("pause", CALL(SYS_pause), -EINTR);
  expect("ALRM handler ran", caught_alrm, 1);
  int status = 0;
  waitpid(child, &status, 0);
  expect("helper exit status", status, 0);
}
#endif

int main(void) {
  mask_calls();
  action_calls();
  send_calls();
  fd_calls();
  wait_calls();
  stack_calls();
#ifdef SYS_pause
  pause_call();
#endif
  return failures == 0 ? 0 : 1;
}
