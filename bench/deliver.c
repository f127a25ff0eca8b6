/*
 * deliver — per-delivery cost, for bench/deliveries.sh.
 *
 * Usage: deliver N
 * N times kill(getpid(), SIGUSR1) with a counting SA_RESTART handler: under sigvisor each
 * is one intercepted call and one signal-delivery stop (and, with the kernel trace, one
 * signal_generate record taken at that stop).
 * Prints "deliver N ns_per_signal", timed with CLOCK_MONOTONIC around the loop only.
 * Exit 0 when the handler ran N times; 1 otherwise.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t count;

static void on_usr1(int sig)
{
    (void)sig;
    count++;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
    if (n <= 0) {
        fprintf(stderr, "usage: deliver N\n");
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    pid_t self = getpid();
    double t0 = now_ns();
    for (long i = 0; i < n; i++) kill(self, SIGUSR1);
    double t1 = now_ns();
    printf("deliver %ld %.0f\n", n, (t1 - t0) / (double)n);
    return count == n ? 0 : 1;
}
