/*
 * threads_kill — scenario: many threads signalling themselves concurrently.
 *
 * Usage: threads_kill [N=4] [M=50]
 * N threads each do M iterations of tgkill(getpid(), own tid, SIGUSR1) and
 * kill(getpid(), 0). SIGUSR1 has an SA_RESTART handler that counts, per
 * thread (indexed through a thread-local slot), with an atomic counter.
 * A signal sent with tgkill to the calling thread and not blocked is delivered
 * to that thread before tgkill returns, so each thread's count must equal M.
 *
 * Prints: one line "tid T" per thread (in thread index order), then
 *         "threads N iterations M ok".
 * Exit:   0 iff every thread's handler count == M; non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_THREADS 256

static atomic_long counts[MAX_THREADS];
static atomic_long stray; /* handler ran on a thread without a slot */
static pid_t tids[MAX_THREADS];
static int failures[MAX_THREADS];
static _Thread_local int my_slot = -1;
static long iterations = 50;

static void on_usr1(int sig)
{
    (void)sig;
    int s = my_slot;
    if (s >= 0)
        atomic_fetch_add(&counts[s], 1);
    else
        atomic_fetch_add(&stray, 1);
}

static void *worker(void *arg)
{
    int idx = (int)(long)arg;
    my_slot = idx;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    tids[idx] = tid;
    pid_t pid = getpid();
    for (long i = 0; i < iterations; i++) {
        if (syscall(SYS_tgkill, pid, tid, SIGUSR1) != 0) {
            fprintf(stderr, "threads_kill: tgkill(%d, %d, SIGUSR1): %s\n", (int)pid, (int)tid,
                    strerror(errno));
            failures[idx]++;
        }
        if (kill(pid, 0) != 0) {
            fprintf(stderr, "threads_kill: kill(%d, 0): %s\n", (int)pid, strerror(errno));
            failures[idx]++;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long n = 4;
    if (argc > 1)
        n = strtol(argv[1], NULL, 10);
    if (argc > 2)
        iterations = strtol(argv[2], NULL, 10);
    if (n < 1 || n > MAX_THREADS || iterations < 0) {
        fprintf(stderr, "usage: threads_kill [N 1..%d] [M >= 0]\n", MAX_THREADS);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {
        perror("threads_kill: sigaction");
        return 2;
    }

    pthread_t th[MAX_THREADS];
    for (long i = 0; i < n; i++) {
        int e = pthread_create(&th[i], NULL, worker, (void *)i);
        if (e != 0) {
            fprintf(stderr, "threads_kill: pthread_create: %s\n", strerror(e));
            return 2;
        }
    }
    for (long i = 0; i < n; i++)
        pthread_join(th[i], NULL);

    int ok = 1;
    for (long i = 0; i < n; i++) {
        printf("tid %d\n", (int)tids[i]);
        long c = atomic_load(&counts[i]);
        if (c != iterations || failures[i] != 0) {
            fprintf(stderr, "threads_kill: thread %ld (tid %d): handler ran %ld times, expected %ld; %d failed calls\n",
                    i, (int)tids[i], c, iterations, failures[i]);
            ok = 0;
        }
    }
    if (atomic_load(&stray) != 0) {
        fprintf(stderr, "threads_kill: %ld signals handled on the wrong thread\n", atomic_load(&stray));
        ok = 0;
    }
    if (!ok)
        return 1;
    printf("threads %ld iterations %ld ok\n", n, iterations);
    return 0;
}
