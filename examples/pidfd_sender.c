/*
 * pidfd_sender — scenario: a parent signals its child through a pidfd
 * (race-free against pid reuse), using the raw pidfd_open(2) and
 * pidfd_send_signal(2) syscalls.
 *
 * The child tells the parent it is up through a pipe and blocks in pause();
 * the parent opens a pidfd for it, sends SIGTERM through the pidfd, and reaps it.
 *
 * Prints: "pidfd FD for child PID: sent SIGTERM, child killed by SIGTERM"
 * Exit:   0 iff the child died of SIGTERM; non-zero with a message on stderr
 *         (3 if the kernel lacks pidfd_open/pidfd_send_signal, i.e. ENOSYS).
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

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

int main(void)
{
    int p[2];
    if (pipe(p) != 0) {
        perror("pidfd_sender: pipe");
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("pidfd_sender: fork");
        return 2;
    }
    if (child == 0) {
        close(p[0]);
        if (write(p[1], "r", 1) != 1)
            _exit(3);
        close(p[1]);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    if (read(p[0], &c, 1) != 1) {
        fprintf(stderr, "pidfd_sender: child %d did not start\n", (int)child);
        return 2;
    }
    close(p[0]);

    int fd = (int)syscall(SYS_pidfd_open, child, 0);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, "pidfd_sender: pidfd_open(%d): %s\n", (int)child, strerror(e));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return e == ENOSYS ? 3 : 1;
    }
    if (syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0) != 0) {
        int e = errno;
        fprintf(stderr, "pidfd_sender: pidfd_send_signal(%d, SIGTERM): %s\n", fd, strerror(e));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return e == ENOSYS ? 3 : 1;
    }
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("pidfd_sender: waitpid");
        return 2;
    }
    close(fd);
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) {
        printf("pidfd %d for child %d: sent SIGTERM, child killed by SIGTERM\n", fd, (int)child);
        return 0;
    }
    fprintf(stderr, "pidfd_sender: child %d ended with status 0x%x, not SIGTERM\n", (int)child, st);
    return 1;
}
