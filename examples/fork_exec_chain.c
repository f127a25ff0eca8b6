/*
 * fork_exec_chain — scenario: a chain of fork+exec generations, each level a
 * new program image, the deepest one signalling its parent and itself.
 *
 * Usage: fork_exec_chain [DEPTH=3]
 * If DEPTH > 0: forks; the child execs its own binary (real path) with DEPTH-1; the
 * parent waits for the child and exits with its status. At DEPTH == 0 the
 * process calls kill(getppid(), 0) then kill(getpid(), 0) and exits 0.
 *
 * Prints: "depth D pid P ppid Q" once per level (the outermost first).
 * Exit:   0 iff every level succeeded; non-zero with a message on stderr.
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

int main(int argc, char **argv)
{
    long depth = 3;
    if (argc > 1)
        depth = strtol(argv[1], NULL, 10);
    if (depth < 0 || depth > 64) {
        fprintf(stderr, "usage: fork_exec_chain [DEPTH 0..64]\n");
        return 2;
    }
    printf("depth %ld pid %d ppid %d\n", depth, (int)getpid(), (int)getppid());
    fflush(stdout);

    if (depth == 0) {
        pid_t pp = getppid();
        if (kill(pp, 0) != 0) {
            fprintf(stderr, "fork_exec_chain: kill(%d, 0): %s\n", (int)pp, strerror(errno));
            return 1;
        }
        if (kill(getpid(), 0) != 0) {
            fprintf(stderr, "fork_exec_chain: kill(self, 0): %s\n", strerror(errno));
            return 1;
        }
        return 0;
    }

    pid_t child = fork();
    if (child < 0) {
        perror("fork_exec_chain: fork");
        return 2;
    }
    if (child == 0) {
        char arg[32];
        snprintf(arg, sizeof arg, "%ld", depth - 1);
        char *const args[] = {argv[0], arg, NULL};
        /* Exec the real path, not /proc/self/exe: the kernel names the new image
         * after the file it was given, and the chain should be "fork_exec_chain". */
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            perror("fork_exec_chain: readlink /proc/self/exe");
            _exit(127);
        }
        self[n] = '\0';
        execv(self, args);
        perror("fork_exec_chain: execv");
        _exit(127);
    }
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("fork_exec_chain: waitpid");
        return 2;
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "fork_exec_chain: depth %ld child %d killed by signal %d\n", depth - 1, (int)child,
            WIFSIGNALED(st) ? WTERMSIG(st) : -1);
    return 1;
}
