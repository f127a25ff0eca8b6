/*
 * sender — the killer half of the "who killed my process?" scenario.
 *
 * Usage: sender [SIGNAL]   SIGNAL is a name (SIGKILL, KILL, term) or a number;
 *                          default SIGKILL. Only signals whose default action
 *                          terminates the process are accepted.
 * fork+execs the "receiver" binary found next to this one (dirname of
 * readlink(/proc/self/exe)) with its stdout on a pipe, waits for its
 * "receiver PID" line (so it is running), waits until it sleeps in
 * pause() (so a trace of the run always shows the pause), then
 * kill(receiver, SIGNAL), waitpid.
 *
 * Prints: the receiver's own line "receiver PID" (relayed), then
 *         "sender PID sent SIGNAL to receiver PID; it died of SIGNAL"
 *         (the last SIGNAL is whatever actually killed it).
 * Exit:   0 iff the receiver died of SIGNAL; non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *signame(int sig, char *buf, size_t len)
{
    const char *a = sigabbrev_np(sig);
    if (a)
        snprintf(buf, len, "SIG%s", a);
    else
        snprintf(buf, len, "signal %d", sig);
    return buf;
}

static int parse_signal(const char *s)
{
    if (isdigit((unsigned char)s[0])) {
        char *end;
        long v = strtol(s, &end, 10);
        return (*end == '\0' && v > 0 && v < NSIG) ? (int)v : -1;
    }
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 1; i < NSIG; i++) {
        const char *a = sigabbrev_np(i);
        if (a && strcasecmp(a, s) == 0)
            return i;
    }
    return -1;
}

/* signals whose default action is to ignore or stop: waiting for death would hang */
static int terminates_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return 0;
    default:
        return 1;
    }
}

/* Whether /proc/PID shows the task asleep in pause(): state S, current syscall pause. */
static int asleep_in_pause(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int nr = -1;
    int ok = fscanf(f, "%d", &nr) == 1;
    fclose(f);
#ifdef SYS_pause
    if (!ok || nr != SYS_pause)
        return 0;
#else
    if (!ok || nr != SYS_ppoll)
        return 0;
#endif
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    char *line = fgets(buf, sizeof buf, f);
    fclose(f);
    char *close_paren = line ? strrchr(line, ')') : NULL;
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'S';
}

/*
 * The receiver has printed its pid but may not have reached pause() yet. Wait (up to 2 s)
 * until it sleeps there, then a little longer: under a tracer the call is reported when
 * its notification is handled, a moment after the task blocks.
 */
static void wait_for_pause(pid_t pid)
{
    for (int i = 0; i < 400 && !asleep_in_pause(pid); i++)
        usleep(5000);
    usleep(20000);
}

int main(int argc, char **argv)
{
    int sig = SIGKILL;
    if (argc > 1) {
        sig = parse_signal(argv[1]);
        if (sig < 0 || !terminates_by_default(sig)) {
            fprintf(stderr, "sender: %s: not a signal that kills by default\n", argv[1]);
            return 2;
        }
    }

    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) {
        perror("sender: readlink /proc/self/exe");
        return 2;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    char recv_path[PATH_MAX + 16];
    snprintf(recv_path, sizeof recv_path, "%s/receiver", slash ? self : ".");

    int p[2];
    if (pipe(p) != 0) {
        perror("sender: pipe");
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("sender: fork");
        return 2;
    }
    if (child == 0) {
        /* the receiver must die of the signal even if we inherited it ignored or blocked */
        signal(sig, SIG_DFL);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, sig);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        close(p[0]);
        if (dup2(p[1], STDOUT_FILENO) < 0)
            _exit(126);
        close(p[1]);
        execl(recv_path, "receiver", (char *)NULL);
        fprintf(stderr, "sender: exec %s: %s\n", recv_path, strerror(errno));
        _exit(127);
    }
    close(p[1]);

    char line[128];
    size_t got = 0;
    while (got < sizeof line - 1) {
        ssize_t r = read(p[0], line + got, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (line[got++] == '\n')
            break;
    }
    line[got] = '\0';
    int rpid = 0;
    if (sscanf(line, "receiver %d", &rpid) != 1 || rpid != (int)child) {
        fprintf(stderr, "sender: receiver %d did not report in (got \"%s\")\n", (int)child, line);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 2;
    }
    fputs(line, stdout);
    wait_for_pause(child);

    char b1[32], b2[32];
    if (kill(child, sig) != 0) {
        fprintf(stderr, "sender: kill(%d, %s): %s\n", (int)child, signame(sig, b1, sizeof b1),
                strerror(errno));
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 1;
    }
    int st;
    if (waitpid(child, &st, 0) != child) {
        perror("sender: waitpid");
        return 2;
    }
    close(p[0]);
    if (!WIFSIGNALED(st)) {
        fprintf(stderr, "sender: receiver %d exited with status %d instead of dying\n", (int)child,
                WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return 1;
    }
    printf("sender %d sent %s to receiver %d; it died of %s\n", (int)getpid(),
           signame(sig, b1, sizeof b1), (int)child, signame(WTERMSIG(st), b2, sizeof b2));
    if (WTERMSIG(st) != sig) {
        fprintf(stderr, "sender: receiver %d died of %s, not %s\n", (int)child, b2, b1);
        return 1;
    }
    return 0;
}
