/*
 * kill_missing — scenario: signalling a process that no longer exists.
 *
 * Forks a child that exits at once, reaps it (so its pid is free), then
 * kill(thatpid, SIGTERM) must fail with ESRCH. (A pid could in theory be
 * reused in between; on an idle machine the window is negligible.)
 *
 * Prints: "kill(PID, SIGTERM) failed with ESRCH"
 * Exit:   0 iff kill failed with errno == ESRCH; non-zero with a message otherwise.
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
    pid_t child = fork();
    if (child < 0) {
        perror("kill_missing: fork");
        return 2;
    }
    if (child == 0)
        _exit(0);
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("kill_missing: waitpid");
        return 2;
    }
    errno = 0;
    int r = kill(child, SIGTERM);
    int e = errno;
    if (r == -1 && e == ESRCH) {
        printf("kill(%d, SIGTERM) failed with ESRCH\n", (int)child);
        return 0;
    }
    fprintf(stderr, "kill_missing: kill(%d, SIGTERM) returned %d errno %d (%s), expected ESRCH\n",
            (int)child, r, e, strerror(e));
    return 1;
}
