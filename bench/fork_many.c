/*
 * fork_many — benchmark helper: forks N children that block in pause(), then writes
 * "ready" to the file named by argv[2] and waits for SIGTERM, which it passes on to
 * the children before reaping them. Used to measure the supervisor's memory with a
 * large traced tree (bench/programs.sh).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: fork_many N READY_FILE\n");
        return 2;
    }
    int n = atoi(argv[1]);
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) {
            perror("fork");
            return 1;
        }
        if (p == 0) {
            sigprocmask(SIG_UNBLOCK, &term, NULL);
            pause();
            _exit(0);
        }
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL) return 1;
    fputs("ready\n", f);
    fclose(f);
    int sig = 0;
    sigwait(&term, &sig);
    kill(0, SIGTERM);
    while (wait(NULL) > 0) {
    }
    return 0;
}
