/*
 * prlimit_tree — scenario: resource limits read and set across a process tree.
 *
 * Usage: prlimit_tree
 * 1. prlimit64(0, ...): the caller's own limits by pid 0 (never intercepted: harmless).
 * 2. prlimit64(getpid(), ...): the same process named by its pid (intercepted, scope self).
 * 3. A child reads its parent's RLIMIT_NOFILE (scope sandbox), then waits on a pipe; the
 *    parent sets the child's RLIMIT_CPU to {3600, infinity}, reads it back, and swaps its
 *    RLIMIT_CORE (new and old limit in one call) — scope child.
 * 4. Calls the kernel refuses: an unreadable new_limit (EFAULT), rlim_cur above rlim_max
 *    (EINVAL), a pid that cannot exist (ESRCH), a negative pid (ESRCH).
 *
 * Prints one line per call, "NAME=0" or "NAME=ERRNO", and "child RLIMIT_CPU=3600".
 * Exit: 0 iff every call returned what the kernel returns natively; 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static long prl(pid_t pid, int resource, const struct rlimit* lim, struct rlimit* old) {
  return syscall(SYS_prlimit64, pid, resource, lim, old);
}

static void expect(const char* name, long r, int want_errno) {
  int err = r == 0 ? 0 : errno;
  printf("%s=%s\n", name, err == 0 ? "0" : strerrorname_np(err));
  if (err != want_errno) ++failures;
}

int main(void) {
  struct rlimit old;
  expect("self_by_0", prl(0, RLIMIT_NOFILE, NULL, &old), 0);
  expect("self_by_pid", prl(getpid(), RLIMIT_CORE, NULL, &old), 0);

  int ready[2], done[2];
  if (pipe(ready) != 0 || pipe(done) != 0) return 1;
  fflush(stdout);
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    close(done[1]);
    long r = prl(getppid(), RLIMIT_NOFILE, NULL, &old);
    char c = r == 0 ? 'r' : 'e';
    if (write(ready[1], &c, 1) != 1) _exit(3);
    if (read(done[0], &c, 1) < 0) _exit(3);  // EOF when the parent is finished
    _exit(r == 0 ? 0 : 1);
  }
  close(done[0]);
  char c = 0;
  if (read(ready[0], &c, 1) != 1 || c != 'r') ++failures;

  struct rlimit cpu = {3600, RLIM_INFINITY};
  expect("child_set_cpu", prl(child, RLIMIT_CPU, &cpu, NULL), 0);
  expect("child_get_cpu", prl(child, RLIMIT_CPU, NULL, &old), 0);
  printf("child RLIMIT_CPU=%llu\n", (unsigned long long)old.rlim_cur);
  if (old.rlim_cur != 3600) ++failures;
  struct rlimit core = {0, 4096 * 1024};
  expect("child_swap_core", prl(child, RLIMIT_CORE, &core, &old), 0);

  struct rlimit bad = {2048, 1024};
  expect("bad_pointer", prl(child, RLIMIT_CORE, (const struct rlimit*)8, NULL), EFAULT);
  expect("cur_above_max", prl(child, RLIMIT_CORE, &bad, NULL), EINVAL);
  expect("no_such_pid", prl(0x7ffffff0, RLIMIT_CORE, NULL, &old), ESRCH);
  expect("negative_pid", prl(-5, RLIMIT_CORE, NULL, &old), ESRCH);

  close(done[1]);
  int status = 0;
  if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("child: status %#x\n", status);
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
