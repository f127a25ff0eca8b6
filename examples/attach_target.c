/*
 * attach_target — scenario: a running process to attach to (sigvisor -p) and detach
 * from, whose output shows whether it ran on exactly as before.
 *
 * Usage: attach_target [THREADS=0] [TICK_MS=20]
 * Every tick it blocks SIGUSR1, sends it to itself with kill(), unblocks it (an
 * SA_RESTART handler counts it) and prints
 *   "tick N usr1=M kill=R errno=E"
 * so that N and M run on without a gap (no tick and no signal lost) and a policy's
 * refusal shows as kill=-1 with its errno. SIGUSR2 is blocked from the start: a SIGUSR2
 * sent to it stays pending until stdin says "unblock", then it prints "got SIGUSR2".
 * THREADS extra threads block and unblock SIGUSR1 in a loop (calls from several tids).
 * Commands on stdin, one per line:
 *   unblock  unblock SIGUSR2
 *   fork     a child sends itself SIGUSR1, prints "child C usr1=1" and exits 0;
 *            the parent prints "forked C status S"
 *   spin     unblock SIGUSR2, print "spinning" and spin in user space (no syscall)
 *            until a SIGUSR2 arrives; then block it again and print "spun: got SIGUSR2".
 *            With ATTACH_TARGET_SPIN_FLAG=FILE in the environment (a file of at least
 *            one byte, mapped shared at start), the first byte becomes 1 once the spin
 *            loop runs: past every syscall, so a test knows it is in user space.
 *   exit     print "bye" and exit 0 (EOF on stdin too)
 * Prints "pid P" first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_long usr1;
static atomic_int usr2;

static void on_usr1(int sig) { (void)sig; atomic_fetch_add(&usr1, 1); }
static void on_usr2(int sig) { (void)sig; atomic_store(&usr2, 1); }

static void set_mask(int how, int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(how, &s, NULL);
}

static void *masker(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (;;) {
        set_mask(SIG_BLOCK, SIGUSR1);
        set_mask(SIG_UNBLOCK, SIGUSR1);
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void fork_child(void)
{
    pid_t c = fork();
    if (c == 0) {
        atomic_store(&usr1, 0);
        kill(getpid(), SIGUSR1);
        printf("child %d usr1=%ld\n", getpid(), atomic_load(&usr1));
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(c, &status, 0);
    printf("forked %d status %d\n", c, status);
}

static volatile unsigned char *spin_flag;

/* Its next ptrace stop can only be the delivery of the SIGUSR2 it waits for. */
static void spin(void)
{
    set_mask(SIG_UNBLOCK, SIGUSR2);
    printf("spinning\n");
    while (!atomic_load(&usr2)) {
        if (spin_flag) *spin_flag = 1;
    }
    if (spin_flag) *spin_flag = 0;
    atomic_store(&usr2, 0);
    set_mask(SIG_BLOCK, SIGUSR2);
    printf("spun: got SIGUSR2\n");
}

/* One command from stdin; returns 0 to stop. */
static int command(void)
{
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 0;
    if (strncmp(line, "unblock", 7) == 0) set_mask(SIG_UNBLOCK, SIGUSR2);
    if (strncmp(line, "fork", 4) == 0) fork_child();
    if (strncmp(line, "spin", 4) == 0) spin();
    if (strncmp(line, "exit", 4) == 0) return 0;
    return 1;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 0;
    int tick_ms = argc > 2 ? atoi(argv[2]) : 20;
    setvbuf(stdout, NULL, _IOLBF, 0);
    setvbuf(stdin, NULL, _IONBF, 0);
    const char *flag_file = getenv("ATTACH_TARGET_SPIN_FLAG");
    if (flag_file) {
        int fd = open(flag_file, O_RDWR);
        void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 1, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) spin_flag = m;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    set_mask(SIG_BLOCK, SIGUSR2);
    for (int i = 0; i < threads; ++i) {
        pthread_t t;
        pthread_create(&t, NULL, masker, NULL);
    }
    printf("pid %d\n", getpid());
    for (long n = 0;; ++n) {
        set_mask(SIG_BLOCK, SIGUSR1);
        int r = kill(getpid(), SIGUSR1);
        int e = r == 0 ? 0 : errno;
        set_mask(SIG_UNBLOCK, SIGUSR1);
        printf("tick %ld usr1=%ld kill=%d errno=%d\n", n, atomic_load(&usr1), r, e);
        if (atomic_exchange(&usr2, 0)) printf("got SIGUSR2\n");
        struct pollfd p = {0, POLLIN, 0};
        int ready = poll(&p, 1, tick_ms);
        if (ready > 0 && !command()) break;
    }
    printf("bye\n");
    return 0;
}
