/*
 * forge_sigqueue — scenario: a sender that lies about who it is.
 *
 * rt_sigqueueinfo(2) lets the caller supply the whole siginfo: with
 * si_code = SI_QUEUE (negative, so allowed towards another process) the
 * kernel passes the caller's si_pid/si_uid through unchanged. The parent
 * forks a child that waits for SIGUSR2 with sigwaitinfo() (blocked before the
 * fork, so it cannot be lost), then calls
 * syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &info) with a forged
 * si_pid = 1 and si_uid = 12345 (si_value = 7). A supervisor should report
 * the claimed sender (1) next to the true one (the parent).
 *
 * Prints (parent): "parent PID sent SIGUSR2 to child PID claiming si_pid 1 si_uid 12345"
 *        (child):  "child PID received SIGUSR2 si_code SI_QUEUE si_pid P si_uid U si_value V (true sender PPID)"
 * Exit:   0 iff the child received the signal (whatever si_pid it saw; it is
 *         printed); non-zero with a message on stderr otherwise, e.g. if the
 *         rt_sigqueueinfo call was refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    if (sigprocmask(SIG_BLOCK, &set, &old) != 0) {
        perror("forge_sigqueue: sigprocmask");
        return 2;
    }
    fflush(stdout);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        perror("forge_sigqueue: fork");
        return 2;
    }
    if (child == 0) {
        siginfo_t si;
        int r;
        do
            r = sigwaitinfo(&set, &si);
        while (r < 0 && errno == EINTR);
        if (r != SIGUSR2) {
            fprintf(stderr, "forge_sigqueue: child: sigwaitinfo returned %d: %s\n", r, strerror(errno));
            _exit(1);
        }
        printf("child %d received SIGUSR2 si_code %s si_pid %d si_uid %u si_value %d (true sender %d)\n",
               (int)getpid(), si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", (int)si.si_pid,
               (unsigned)si.si_uid, si.si_value.sival_int, (int)parent);
        fflush(stdout);
        _exit(0);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);

    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR2;
    info.si_code = SI_QUEUE;
    info.si_pid = 1;       /* forged: claims to be init */
    info.si_uid = 12345;   /* forged */
    info.si_value.sival_int = 7;
    if (syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &info) != 0) {
        fprintf(stderr, "forge_sigqueue: rt_sigqueueinfo(%d, SIGUSR2): %s\n", (int)child, strerror(errno));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 1;
    }
    printf("parent %d sent SIGUSR2 to child %d claiming si_pid 1 si_uid 12345\n", (int)parent, (int)child);
    fflush(stdout);
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("forge_sigqueue: waitpid");
        return 2;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    fprintf(stderr, "forge_sigqueue: child %d failed (status 0x%x)\n", (int)child, st);
    return 1;
}
