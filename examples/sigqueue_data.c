/*
 * sigqueue_data — scenario: a signal that carries data (sigqueue → rt_sigqueueinfo).
 *
 * The parent blocks SIGUSR1 before forking (so the child inherits the block
 * and the signal can never arrive before the child waits for it), forks a
 * child that waits with sigwaitinfo(), and sends sigqueue(child, SIGUSR1,
 * {.sival_int = 42}). The child checks si_value == 42, si_code == SI_QUEUE and
 * si_pid == its parent.
 *
 * Prints (child): "child PID got SIGUSR1 si_code SI_QUEUE si_value 42 si_pid PPID"
 *        (parent): "parent PID queued SIGUSR1 value 42 to child PID"
 * Exit:   0 iff the child received exactly that; non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &set, &old) != 0) {
        perror("sigqueue_data: sigprocmask");
        return 2;
    }
    fflush(stdout);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        perror("sigqueue_data: fork");
        return 2;
    }
    if (child == 0) {
        siginfo_t si;
        int r;
        do
            r = sigwaitinfo(&set, &si);
        while (r < 0 && errno == EINTR);
        if (r != SIGUSR1) {
            fprintf(stderr, "sigqueue_data: child: sigwaitinfo returned %d: %s\n", r, strerror(errno));
            _exit(1);
        }
        printf("child %d got SIGUSR1 si_code %s si_value %d si_pid %d\n", (int)getpid(),
               si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", si.si_value.sival_int, (int)si.si_pid);
        fflush(stdout);
        if (si.si_code != SI_QUEUE || si.si_value.sival_int != 42 || si.si_pid != parent) {
            fprintf(stderr, "sigqueue_data: child: expected si_code SI_QUEUE(%d) value 42 pid %d, got %d %d %d\n",
                    SI_QUEUE, (int)parent, si.si_code, si.si_value.sival_int, (int)si.si_pid);
            _exit(1);
        }
        _exit(0);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);

    union sigval v;
    memset(&v, 0, sizeof v);
    v.sival_int = 42;
    if (sigqueue(child, SIGUSR1, v) != 0) {
        fprintf(stderr, "sigqueue_data: sigqueue(%d, SIGUSR1, 42): %s\n", (int)child, strerror(errno));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 1;
    }
    printf("parent %d queued SIGUSR1 value 42 to child %d\n", (int)parent, (int)child);
    fflush(stdout);
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("sigqueue_data: waitpid");
        return 2;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    fprintf(stderr, "sigqueue_data: child %d failed (status 0x%x)\n", (int)child, st);
    return 1;
}
