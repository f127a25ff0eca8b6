/*
 * mask_loop — exactly N rt_sigprocmask calls (SIG_BLOCK of an empty set), then prints
 * "calls N" and exits 0: a known number of recorded calls, for the kernel engine's loss
 * tests (recorded + dropped must be N).
 * Usage: mask_loop N
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mask_loop N\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    sigset_t empty;
    sigemptyset(&empty);
    for (long i = 0; i < n; i++) {
        if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &empty, NULL, 8) != 0) {
            perror("rt_sigprocmask");
            return 1;
        }
    }
    printf("calls %ld\n", n);
    return 0;
}
