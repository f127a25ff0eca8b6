/*
 * signalfd_daemon — scenario: a daemon that takes its signals through a
 * signalfd instead of handlers.
 *
 * Blocks SIGUSR1, creates signalfd(-1, {USR1}, SFD_NONBLOCK|SFD_CLOEXEC),
 * sends itself SIGUSR1 with kill(getpid(), SIGUSR1), poll()s the signalfd and
 * reads one struct signalfd_siginfo. (A blocked signal consumed through a
 * signalfd is never delivered, so a tracer sees no signal-delivery stop.)
 *
 * Prints: "signalfd FD read ssi_signo 10 (SIGUSR1) ssi_pid PID ssi_code SI_USER"
 * Exit:   0 iff it read SIGUSR1 sent by itself; non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

int main(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0) {
        perror("signalfd_daemon: sigprocmask");
        return 2;
    }
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) {
        perror("signalfd_daemon: signalfd");
        return 2;
    }
    if (kill(getpid(), SIGUSR1) != 0) {
        perror("signalfd_daemon: kill(self, SIGUSR1)");
        return 1;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r;
    do
        r = poll(&pfd, 1, 5000);
    while (r < 0 && errno == EINTR);
    if (r != 1 || !(pfd.revents & POLLIN)) {
        fprintf(stderr, "signalfd_daemon: poll returned %d revents 0x%x: %s\n", r, pfd.revents,
                r < 0 ? strerror(errno) : "no signal arrived");
        return 1;
    }
    struct signalfd_siginfo ssi;
    ssize_t n = read(fd, &ssi, sizeof ssi);
    if (n != (ssize_t)sizeof ssi) {
        fprintf(stderr, "signalfd_daemon: read returned %zd: %s\n", n, n < 0 ? strerror(errno) : "short");
        return 1;
    }
    printf("signalfd %d read ssi_signo %u (SIG%s) ssi_pid %u ssi_code %s\n", fd, ssi.ssi_signo,
           sigabbrev_np((int)ssi.ssi_signo) ? sigabbrev_np((int)ssi.ssi_signo) : "?", ssi.ssi_pid,
           ssi.ssi_code == SI_USER ? "SI_USER" : "other");
    close(fd);
    if (ssi.ssi_signo != SIGUSR1 || ssi.ssi_pid != (unsigned)getpid()) {
        fprintf(stderr, "signalfd_daemon: expected SIGUSR1 from %d\n", (int)getpid());
        return 1;
    }
    return 0;
}
