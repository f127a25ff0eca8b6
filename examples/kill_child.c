/*
 * kill_child — scenario: a parent signals its own child.
 *
 * The parent forks a child that blocks in pause(); the child reports that it
 * is about to pause through a pipe (so the parent never races the child's
 * start-up), the parent sends kill(child, SIGTERM) and reaps it.
 *
 * Prints: "child PID killed by SIGTERM"
 * Exit:   0 iff the child died of SIGTERM; non-zero with a message on stderr.
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
    int p[2];
    if (pipe(p) != 0) {
        perror("kill_child: pipe");
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("kill_child: fork");
        return 2;
    }
    if (child == 0) {
        close(p[0]);
        /* tell the parent we are up; the write happens before pause(), and
         * SIGTERM's default action kills us whether or not we reached it */
        if (write(p[1], "r", 1) != 1)
            _exit(3);
        close(p[1]);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    if (read(p[0], &c, 1) != 1) {
        fprintf(stderr, "kill_child: child %d did not start\n", (int)child);
        return 2;
    }
    close(p[0]);

    if (kill(child, SIGTERM) != 0) {
        fprintf(stderr, "kill_child: kill(%d, SIGTERM): %s\n", (int)child, strerror(errno));
        return 1;
    }
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("kill_child: waitpid");
        return 2;
    }
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) {
        printf("child %d killed by SIGTERM\n", (int)child);
        return 0;
    }
    fprintf(stderr, "kill_child: child %d ended with status 0x%x, not SIGTERM\n", (int)child, st);
    return 1;
}
