/*
 * loop — per-call cost of one signal-related syscall, for bench/run.sh.
 *
 * Usage: loop MODE N
 *   kill        kill(getpid(), 0)
 *   sigprocmask sigprocmask(SIG_BLOCK, &empty_set, NULL)   (rt_sigprocmask)
 *   sigaction   sigaction(SIGUSR1, NULL, &old)             (rt_sigaction, read only)
 *   getppid     getppid()   — no signal syscall: what the seccomp filter alone costs
 * Prints "MODE N ns_per_call", timed with CLOCK_MONOTONIC around the loop only.
 * Exit 0 on success; non-zero with a message on stderr if a call fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: loop kill|sigprocmask|sigaction|getppid N\n");
        return 2;
    }
    const char *mode = argv[1];
    long n = strtol(argv[2], NULL, 10);
    if (n <= 0) {
        fprintf(stderr, "loop: N must be positive\n");
        return 2;
    }
    pid_t self = getpid();
    sigset_t empty;
    sigemptyset(&empty);
    struct sigaction old;
    long bad = 0;
    volatile pid_t sink = 0;
    double t0, t1;

    if (strcmp(mode, "kill") == 0) {
        t0 = now_ns();
        for (long i = 0; i < n; i++)
            bad += kill(self, 0) != 0;
        t1 = now_ns();
    } else if (strcmp(mode, "sigprocmask") == 0) {
        t0 = now_ns();
        for (long i = 0; i < n; i++)
            bad += sigprocmask(SIG_BLOCK, &empty, NULL) != 0;
        t1 = now_ns();
    } else if (strcmp(mode, "sigaction") == 0) {
        t0 = now_ns();
        for (long i = 0; i < n; i++)
            bad += sigaction(SIGUSR1, NULL, &old) != 0;
        t1 = now_ns();
    } else if (strcmp(mode, "getppid") == 0) {
        t0 = now_ns();
        for (long i = 0; i < n; i++)
            sink = getppid();
        t1 = now_ns();
    } else {
        fprintf(stderr, "loop: unknown mode %s\n", mode);
        return 2;
    }
    (void)sink;
    if (bad) {
        fprintf(stderr, "loop: %ld of %ld %s calls failed (last errno %s)\n", bad, n, mode, strerror(errno));
        return 1;
    }
    printf("%s %ld %.1f\n", mode, n, (t1 - t0) / (double)n);
    return 0;
}
