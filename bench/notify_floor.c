/*
 * notify_floor — the bare seccomp user-notification round trip: the floor no
 * supervisor built on SECCOMP_RET_USER_NOTIF can go below.
 *
 * Usage: notify_floor N [nosync] [nokillable]
 *   nosync      do not set SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (to measure what it buys)
 *   nokillable  do not try SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
 * The parent creates a socketpair and forks. The child sets PR_SET_NO_NEW_PRIVS
 * and installs, with the raw seccomp(2) syscall, a hand-written BPF filter
 * (wrong arch → kill the process; kill → SECCOMP_RET_USER_NOTIF; everything
 * else → allow) with SECCOMP_FILTER_FLAG_NEW_LISTENER, first also trying
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; it passes the listener fd to the
 * parent with SCM_RIGHTS, waits for a "go" byte, then times N calls of
 * kill(getpid(), 0) with CLOCK_MONOTONIC.
 * The parent sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on the listener (failure
 * is reported, not fatal) and loops: zeroed struct seccomp_notif, ioctl RECV,
 * ioctl SEND with SECCOMP_USER_NOTIF_FLAG_CONTINUE — nothing else — until
 * the child exits.
 *
 * Prints on stdout (from the child): "notify_floor N ns_per_call"
 * and on stderr one line "notify_floor: flags ..." saying which filter flags
 * and whether sync wake-up were in effect.
 * Exit: the child's status (0 on success); non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Debian 12's headers (6.1) are older than the kernel */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

#if !defined(__x86_64__)
#error "notify_floor's BPF program is written for x86_64"
#endif

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int send_fd(int sock, int fd, char tag)
{
    char buf[CMSG_SPACE(sizeof(int))];
    memset(buf, 0, sizeof buf);
    struct iovec iov = {.iov_base = &tag, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof buf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock, char *tag)
{
    char buf[CMSG_SPACE(sizeof(int))];
    memset(buf, 0, sizeof buf);
    struct iovec iov = {.iov_base = tag, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof buf};
    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static int opt_nosync, opt_nokillable;

static int child_main(int sock, long n)
{
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof code / sizeof code[0], .filter = code};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        perror("notify_floor: PR_SET_NO_NEW_PRIVS");
        return 2;
    }
    char tag = 'K'; /* K: NEW_LISTENER|WAIT_KILLABLE_RECV, L: refused, N: not tried */
    long fd = -1;
    if (!opt_nokillable)
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
    if (fd < 0) {
        tag = opt_nokillable ? 'N' : 'L';
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    }
    if (fd < 0) {
        fprintf(stderr, "notify_floor: seccomp(NEW_LISTENER): %s%s\n", strerror(errno),
                errno == EBUSY ? " (an ancestor filter already has a listener: running under a supervisor?)"
                               : "");
        return 2;
    }
    if (send_fd(sock, (int)fd, tag) != 0) {
        perror("notify_floor: sendmsg listener");
        return 2;
    }
    close((int)fd);
    char go;
    if (read(sock, &go, 1) != 1) {
        fprintf(stderr, "notify_floor: parent did not say go\n");
        return 2;
    }
    close(sock);

    pid_t self = getpid();
    long bad = 0;
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        bad += kill(self, 0) != 0;
    double t1 = now_ns();
    if (bad) {
        fprintf(stderr, "notify_floor: %ld of %ld kill calls failed (%s)\n", bad, n, strerror(errno));
        return 1;
    }
    printf("notify_floor %ld %.1f\n", n, (t1 - t0) / (double)n);
    fflush(stdout);
    return 0;
}

static void on_chld(int sig)
{
    (void)sig; /* only here to interrupt a blocked RECV */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: notify_floor N [nosync] [nokillable]\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "nosync") == 0)
            opt_nosync = 1;
        else if (strcmp(argv[i], "nokillable") == 0)
            opt_nokillable = 1;
        else {
            fprintf(stderr, "notify_floor: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    long n = strtol(argv[1], NULL, 10);
    if (n <= 0) {
        fprintf(stderr, "notify_floor: N must be positive\n");
        return 2;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        perror("notify_floor: socketpair");
        return 2;
    }
    /* a SIGCHLD handler without SA_RESTART makes a RECV still blocked after
     * the child's death return EINTR, whatever the kernel does with orphaned
     * filters */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("notify_floor: fork");
        return 2;
    }
    if (child == 0) {
        close(sv[0]);
        _exit(child_main(sv[1], n));
    }
    close(sv[1]);

    char tag = 0;
    int lfd = recv_fd(sv[0], &tag);
    if (lfd < 0) {
        fprintf(stderr, "notify_floor: did not receive the listener fd\n");
        int st = 0;
        waitpid(child, &st, 0);
        return WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 2;
    }
    const char *sync = "off (nosync)";
    if (!opt_nosync) {
        if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (__u64)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0)
            sync = "on";
        else
            sync = strerror(errno);
    }
    fprintf(stderr, "notify_floor: flags NEW_LISTENER%s; SYNC_WAKE_UP %s%s\n",
            tag == 'K' ? "|WAIT_KILLABLE_RECV" : tag == 'L' ? " (WAIT_KILLABLE_RECV refused)" : "",
            strcmp(sync, "on") == 0 || opt_nosync ? "" : "FAILED: ", sync);
    if (write(sv[0], "g", 1) != 1) {
        perror("notify_floor: write go");
        kill(child, SIGKILL);
    }
    close(sv[0]);

    struct seccomp_notif req;
    struct seccomp_notif_resp resp;
    for (;;) {
        memset(&req, 0, sizeof req);
        if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
            if (errno == EINTR || errno == ENOENT) {
                int st;
                if (waitpid(child, &st, WNOHANG) == child) {
                    close(lfd);
                    if (WIFEXITED(st))
                        return WEXITSTATUS(st);
                    fprintf(stderr, "notify_floor: child killed by signal %d\n", WTERMSIG(st));
                    return 1;
                }
                continue;
            }
            perror("notify_floor: SECCOMP_IOCTL_NOTIF_RECV");
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            return 2;
        }
        memset(&resp, 0, sizeof resp);
        resp.id = req.id;
        resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        /* a failing SEND (ENOENT: the call was interrupted and will notify
         * again, or the thread died) needs no action here */
        (void)ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
}
