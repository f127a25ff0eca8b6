/*
 * mask_juggle — scenario: blocking and unblocking signal sets around a
 * critical section, reading the old mask every time.
 *
 *   1. SIG_BLOCK   {SIGINT, SIGTERM}  (old → o1, the original mask)
 *   2. SIG_UNBLOCK {SIGTERM}          (old → o2 = o1 + INT + TERM)
 *   3. SIG_SETMASK o1                 (old → o3 = o1 + INT)
 *   4. sigpending
 * and checks each old mask is what the previous step left.
 *
 * Prints one line per step with the set passed and the old mask read back,
 * e.g. "SIG_BLOCK [INT TERM] old []", "SIG_UNBLOCK [TERM] old [INT TERM]",
 * "SIG_SETMASK [] old [INT]", "pending []".
 * Exit:   0 iff every old mask is as expected and the final mask (read from
 *         /proc/self/status, not with another signal syscall) is the original;
 *         non-zero with a message on stderr.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show(const char *label, const sigset_t *s)
{
    fputs(label, stdout);
    fputs(" [", stdout);
    int first = 1;
    for (int i = 1; i < NSIG; i++) {
        if (sigismember(s, i) == 1) {
            const char *a = sigabbrev_np(i);
            if (a)
                printf("%s%s", first ? "" : " ", a);
            else
                printf("%s%d", first ? "" : " ", i);
            first = 0;
        }
    }
    fputs("]", stdout);
}

static int same(const sigset_t *a, const sigset_t *b)
{
    for (int i = 1; i < NSIG; i++)
        if (sigismember(a, i) != sigismember(b, i))
            return 0;
    return 1;
}

int main(void)
{
    sigset_t both, term, o1, o2, o3, pend, want;
    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGTERM);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);

    if (sigprocmask(SIG_BLOCK, &both, &o1) != 0) {
        perror("mask_juggle: SIG_BLOCK");
        return 2;
    }
    /* critical section with INT and TERM blocked */
    if (sigprocmask(SIG_UNBLOCK, &term, &o2) != 0) {
        perror("mask_juggle: SIG_UNBLOCK");
        return 2;
    }
    if (sigprocmask(SIG_SETMASK, &o1, &o3) != 0) {
        perror("mask_juggle: SIG_SETMASK");
        return 2;
    }
    if (sigpending(&pend) != 0) {
        perror("mask_juggle: sigpending");
        return 2;
    }

    show("SIG_BLOCK", &both); show(" old", &o1); putchar('\n');
    show("SIG_UNBLOCK", &term); show(" old", &o2); putchar('\n');
    show("SIG_SETMASK", &o1); show(" old", &o3); putchar('\n');
    show("pending", &pend); putchar('\n');

    int ok = 1;
    want = o1;
    sigaddset(&want, SIGINT);
    sigaddset(&want, SIGTERM);
    if (!same(&o2, &want)) {
        fprintf(stderr, "mask_juggle: mask after SIG_BLOCK lacks INT or TERM\n");
        ok = 0;
    }
    want = o1;
    sigaddset(&want, SIGINT);
    sigdelset(&want, SIGTERM);
    if (!same(&o3, &want)) {
        fprintf(stderr, "mask_juggle: mask after SIG_UNBLOCK [TERM] is not original + INT - TERM\n");
        ok = 0;
    }
    /* check the final mask without another signal syscall: /proc/self/status SigBlk */
    unsigned long long blk = 0, orig = 0;
    for (int i = 1; i <= 64 && i < NSIG; i++)
        if (sigismember(&o1, i) == 1)
            orig |= 1ULL << (i - 1);
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "SigBlk: %llx", &blk) == 1) {
            found = 1;
            break;
        }
    if (f)
        fclose(f);
    if (found && blk != orig) {
        fprintf(stderr, "mask_juggle: SIG_SETMASK did not restore the original mask (SigBlk %llx, want %llx)\n",
                blk, orig);
        ok = 0;
    }
    return ok ? 0 : 1;
}
