/*
 * notify_storm — stress: a thread storm of signals and signal-mask changes while
 * the whole process is repeatedly stopped and continued.
 *
 * Usage: notify_storm [N=4] [M=2000] [--expect-eperm-usr2]
 * N worker threads start together (barrier) and each runs M iterations of exactly
 * three raw syscalls:
 *   1. rt_sigprocmask(i even ? SIG_BLOCK : SIG_UNBLOCK, {SIGUSR1}, NULL, 8)
 *   2. tgkill(getpid(), a random sibling's tid, every 4th iteration SIGUSR2, else SIGUSR1)
 *   3. kill(getpid(), 0)
 * SIGUSR1 has a counting handler with SA_RESTART; SIGUSR2 one without SA_RESTART,
 * so that a signal arriving while a call waits for its supervisor would turn into
 * EINTR if the wait were aborted. Workers wait on a second barrier before exiting,
 * so every tgkill targets a live thread. Meanwhile a forked child ("stopper")
 * does STOPS=8 times kill(parent, SIGSTOP), usleep(1000), kill(parent, SIGCONT),
 * kill(parent, SIGUSR2), usleep(2000), so that group stops and process-directed
 * signals (not only the workers' tgkills, which a policy may deny) hit calls in flight.
 *
 * Natively none of these calls can fail: any -1 (EINTR above all) is a failure.
 * With --expect-eperm-usr2 (a policy denies tgkill of SIGUSR2) every SIGUSR2
 * tgkill must fail with EPERM, and is counted as denied, not as a failure.
 *
 * Prints one line per worker, in index order:
 *   "thread TID rt_sigprocmask=A tgkill=B kill=C"
 * then one summary line (kill counts the stopper's kills too):
 *   "calls rt_sigprocmask=A tgkill=B tgkill_usr1=B1 tgkill_usr2=B2 kill=C kill0=C0
 *    stopper_kill=S denied=D failures=F eintr=E delivered_usr1=U1 delivered_usr2=U2"
 * Exit: 0 iff failures == 0 (and, with --expect-eperm-usr2, denied == B2);
 *       1 otherwise, with the first few failures described on stderr; 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_THREADS 64
#define STOPS 8
#define KSIGSET_SIZE 8 /* the kernel's sigset_t: 64 bits */

struct thread_counts {
  long sigprocmask;
  long tgkill_usr1;
  long tgkill_usr2;
  long kill0;
  long denied;
  long failures;
  long eintr;
};

/* Shared with the stopper child. */
struct stopper_state {
  atomic_int go;
  atomic_long kills;
  atomic_long failures;
};

static long n_threads = 4;
static long iterations = 2000;
static int expect_eperm_usr2;
static pid_t tids[MAX_THREADS];
static struct thread_counts counts[MAX_THREADS];
static pthread_barrier_t start_barrier;
static pthread_barrier_t end_barrier;
static atomic_long delivered_usr1;
static atomic_long delivered_usr2;
static atomic_int reported; /* failures described on stderr so far */

static void on_usr1(int sig) {
  (void)sig;
  atomic_fetch_add(&delivered_usr1, 1);
}

static void on_usr2(int sig) {
  (void)sig;
  atomic_fetch_add(&delivered_usr2, 1);
}

static void fail(struct thread_counts* c, const char* what, long r, int err) {
  c->failures++;
  if (r == -1 && err == EINTR) c->eintr++;
  if (atomic_fetch_add(&reported, 1) < 10) {
    fprintf(stderr, "notify_storm: %s returned %ld (%s)\n", what, r,
            r == -1 ? strerror(err) : "not -1");
  }
}

static void* worker(void* arg) {
  int idx = (int)(long)arg;
  struct thread_counts* c = &counts[idx];
  pid_t pid = getpid();
  tids[idx] = (pid_t)syscall(SYS_gettid);
  unsigned long long set = 1ULL << (SIGUSR1 - 1);
  unsigned int rng = 2654435761u * (unsigned)(idx + 1);
  pthread_barrier_wait(&start_barrier);

  for (long i = 0; i < iterations; i++) {
    int how = i % 2 == 0 ? SIG_BLOCK : SIG_UNBLOCK;
    long r = syscall(SYS_rt_sigprocmask, how, &set, NULL, KSIGSET_SIZE);
    c->sigprocmask++;
    if (r != 0) fail(c, "rt_sigprocmask", r, errno);

    rng = rng * 1103515245u + 12345u;
    long to = n_threads > 1 ? (long)((rng >> 8) % (unsigned)(n_threads - 1)) : idx;
    if (n_threads > 1 && to >= idx) to++; /* a sibling, never itself */
    int sig = i % 4 == 3 ? SIGUSR2 : SIGUSR1;
    r = syscall(SYS_tgkill, pid, tids[to], sig);
    int err = errno;
    if (sig == SIGUSR1) {
      c->tgkill_usr1++;
      if (r != 0) fail(c, "tgkill(SIGUSR1)", r, err);
    } else {
      c->tgkill_usr2++;
      if (expect_eperm_usr2 && r == -1 && err == EPERM) {
        c->denied++;
      } else if (r != 0 || expect_eperm_usr2) {
        fail(c, "tgkill(SIGUSR2)", r, err);
      }
    }

    r = syscall(SYS_kill, pid, 0);
    c->kill0++;
    if (r != 0) fail(c, "kill(self, 0)", r, errno);
  }
  /* Stay alive until every sibling is done: tgkill always finds its target. */
  pthread_barrier_wait(&end_barrier);
  return NULL;
}

/* The child: stop, continue and signal the parent STOPS times, once the storm has started. */
static void stopper(pid_t parent, struct stopper_state* st) {
  while (atomic_load(&st->go) == 0) usleep(100);
  for (int i = 0; i < STOPS; i++) {
    if (syscall(SYS_kill, parent, SIGSTOP) != 0) atomic_fetch_add(&st->failures, 1);
    atomic_fetch_add(&st->kills, 1);
    usleep(1000);
    if (syscall(SYS_kill, parent, SIGCONT) != 0) atomic_fetch_add(&st->failures, 1);
    atomic_fetch_add(&st->kills, 1);
    if (syscall(SYS_kill, parent, SIGUSR2) != 0) atomic_fetch_add(&st->failures, 1);
    atomic_fetch_add(&st->kills, 1);
    usleep(2000);
  }
}

static int install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char** argv) {
  int positional = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--expect-eperm-usr2") == 0) {
      expect_eperm_usr2 = 1;
    } else if (positional == 0) {
      n_threads = strtol(argv[i], NULL, 10);
      positional++;
    } else if (positional == 1) {
      iterations = strtol(argv[i], NULL, 10);
      positional++;
    } else {
      positional = 99;
    }
  }
  if (positional > 2 || n_threads < 1 || n_threads > MAX_THREADS || iterations < 0) {
    fprintf(stderr, "usage: notify_storm [N 1..%d] [M >= 0] [--expect-eperm-usr2]\n", MAX_THREADS);
    return 2;
  }
  if (install(SIGUSR1, on_usr1, SA_RESTART) != 0 || install(SIGUSR2, on_usr2, 0) != 0) {
    perror("notify_storm: sigaction");
    return 2;
  }

  struct stopper_state* st =
      mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (st == MAP_FAILED) {
    perror("notify_storm: mmap");
    return 2;
  }
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) {
    perror("notify_storm: fork");
    return 2;
  }
  if (child == 0) {
    stopper(parent, st);
    _exit(0);
  }

  pthread_barrier_init(&start_barrier, NULL, (unsigned)n_threads + 1);
  pthread_barrier_init(&end_barrier, NULL, (unsigned)n_threads);
  pthread_t th[MAX_THREADS];
  for (long i = 0; i < n_threads; i++) {
    int e = pthread_create(&th[i], NULL, worker, (void*)i);
    if (e != 0) {
      fprintf(stderr, "notify_storm: pthread_create: %s\n", strerror(e));
      kill(child, SIGKILL);
      return 2;
    }
  }
  pthread_barrier_wait(&start_barrier);
  atomic_store(&st->go, 1);
  for (long i = 0; i < n_threads; i++) pthread_join(th[i], NULL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }

  struct thread_counts total;
  memset(&total, 0, sizeof total);
  for (long i = 0; i < n_threads; i++) {
    const struct thread_counts* c = &counts[i];
    printf("thread %d rt_sigprocmask=%ld tgkill=%ld kill=%ld\n", (int)tids[i], c->sigprocmask,
           c->tgkill_usr1 + c->tgkill_usr2, c->kill0);
    total.sigprocmask += c->sigprocmask;
    total.tgkill_usr1 += c->tgkill_usr1;
    total.tgkill_usr2 += c->tgkill_usr2;
    total.kill0 += c->kill0;
    total.denied += c->denied;
    total.failures += c->failures;
    total.eintr += c->eintr;
  }
  long stopper_kills = atomic_load(&st->kills);
  long stopper_failures = atomic_load(&st->failures);
  if (stopper_failures != 0) {
    fprintf(stderr, "notify_storm: %ld of the stopper's kills failed\n", stopper_failures);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "notify_storm: the stopper ended with status 0x%x\n", status);
    stopper_failures++;
  }
  total.failures += stopper_failures;
  printf(
      "calls rt_sigprocmask=%ld tgkill=%ld tgkill_usr1=%ld tgkill_usr2=%ld kill=%ld kill0=%ld "
      "stopper_kill=%ld denied=%ld failures=%ld eintr=%ld delivered_usr1=%ld "
      "delivered_usr2=%ld\n",
      total.sigprocmask, total.tgkill_usr1 + total.tgkill_usr2, total.tgkill_usr1,
      total.tgkill_usr2, total.kill0 + stopper_kills, total.kill0, stopper_kills, total.denied,
      total.failures, total.eintr, atomic_load(&delivered_usr1), atomic_load(&delivered_usr2));
  if (total.failures != 0) return 1;
  if (expect_eperm_usr2 && total.denied != total.tgkill_usr2) return 1;
  return 0;
}
