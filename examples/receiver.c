/*
 * receiver — the victim half of the "who killed my process?" scenario
 * (see sender.c, which launches it).
 *
 * Prints "receiver PID" (flushed at once, so whoever reads our stdout knows
 * we are running) and then blocks in pause() forever; it only ends when a
 * signal kills it.
 *
 * Exit: never exits normally; if pause() ever returns with a handled signal
 *       it keeps waiting. Exits 2 with a message if it cannot write its line.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    if (printf("receiver %d\n", (int)getpid()) < 0 || fflush(stdout) != 0) {
        perror("receiver: stdout");
        return 2;
    }
    for (;;)
        pause();
}
