/*
 * sibling_kill — scenario: threads of one process signalling each other (issue 14 point
 * 4: a signal from a sibling thread is scoped `thread`, and names the sending thread).
 *
 * Usage: sibling_kill
 * The main thread starts a worker and waits until it is ready; then
 *   main   -> worker: tgkill(pid, worker, SIGUSR1)
 *   worker -> main:   tgkill(pid, main, SIGUSR2)        (after its SIGUSR1 arrived)
 *   worker -> main:   rt_tgsigqueueinfo(pid, main, SIGRTMIN, SI_QUEUE, value 7)
 * Each handler records the thread it ran on; every signal is unblocked only in the
 * thread it is aimed at, so each is delivered where it was sent.
 *
 * Prints: "main T worker W" then one line per delivery, "SIG on TID".
 * Exit:   0 when each signal ran on the thread it was sent to; 1 otherwise.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static atomic_int ran_usr1, ran_usr2, ran_rt;
static pid_t main_tid;
static atomic_int worker_tid;

static void on_signal(int sig) {
  pid_t me = (pid_t)syscall(SYS_gettid);
  if (sig == SIGUSR1) atomic_store(&ran_usr1, me);
  if (sig == SIGUSR2) atomic_store(&ran_usr2, me);
  if (sig == SIGRTMIN) atomic_store(&ran_rt, me);
}

static void* worker(void* arg) {
  (void)arg;
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
  atomic_store(&worker_tid, (pid_t)syscall(SYS_gettid));
  while (atomic_load(&ran_usr1) == 0) usleep(1000);
  syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = SIGRTMIN;
  si.si_code = SI_QUEUE;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_int = 7;
  syscall(SYS_rt_tgsigqueueinfo, getpid(), main_tid, SIGRTMIN, &si);
  return NULL;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  sigaction(SIGRTMIN, &sa, NULL);
  sigset_t all, old;
  sigemptyset(&all);
  sigaddset(&all, SIGUSR1);
  sigaddset(&all, SIGUSR2);
  sigaddset(&all, SIGRTMIN);
  pthread_sigmask(SIG_BLOCK, &all, &old);  // the worker inherits this mask
  main_tid = (pid_t)syscall(SYS_gettid);
  pthread_t t;
  if (pthread_create(&t, NULL, worker, NULL) != 0) return 1;
  while (atomic_load(&worker_tid) == 0) usleep(1000);
  printf("main %d worker %d\n", (int)main_tid, (int)atomic_load(&worker_tid));
  fflush(stdout);
  syscall(SYS_tgkill, getpid(), atomic_load(&worker_tid), SIGUSR1);
  sigset_t mine;
  sigemptyset(&mine);
  sigaddset(&mine, SIGUSR2);
  sigaddset(&mine, SIGRTMIN);
  pthread_sigmask(SIG_UNBLOCK, &mine, NULL);  // pending ones are delivered here, to main
  pthread_join(t, NULL);
  while (atomic_load(&ran_usr2) == 0 || atomic_load(&ran_rt) == 0) usleep(1000);
  printf("SIGUSR1 on %d\nSIGUSR2 on %d\nSIGRTMIN on %d\n", atomic_load(&ran_usr1),
         atomic_load(&ran_usr2), atomic_load(&ran_rt));
  const int ok = atomic_load(&ran_usr1) == atomic_load(&worker_tid) &&
                 atomic_load(&ran_usr2) == main_tid && atomic_load(&ran_rt) == main_tid;
  return ok ? 0 : 1;
}
