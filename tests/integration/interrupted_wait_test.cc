// A signal that reaches a task while its wait (pause, rt_sigsuspend, rt_sigtimedwait)
// still sits in the notification queue aborts the notification: the kernel reports
// -ERESTARTSYS at the delivery stop. A non-blocking call is then run again (storm_test.cc);
// a wait must instead return what it returns natively when a signal interrupts it
// (EINTR after the handler), or it would sleep on for a signal that has come and gone;
// and it is recorded, as it never reached the notify loop.
//
// Made deterministic from outside the sandbox: sigvisor is stopped (SIGSTOP) before the
// program makes its call, so the notification cannot be received; the SIGALRM is sent
// once the program is seen waiting in the seccomp notification; then sigvisor goes on.
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "harness.h"

namespace sigvisor::test {
namespace {

using Clock = std::chrono::steady_clock;

// Reads from `fd` until `want` lines arrived or `seconds` passed.
std::string read_lines(int fd, int want, double seconds) {
  std::string out;
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
  while (std::count(out.begin(), out.end(), '\n') < want && Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Every thread of `pid` is stopped (state T).
bool all_threads_stopped(pid_t pid) {
  DIR* d = opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
  if (d == nullptr) return false;
  bool all = true;
  int seen = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    ++seen;
    all = all && task_state(pid, static_cast<pid_t>(std::stoi(e->d_name))) == 'T';
  }
  closedir(d);
  return all && seen > 0;
}

// The task is inside syscall `nr` and waits in the seccomp notification (not yet answered).
bool waiting_for_supervisor(pid_t pid, long nr) {
  const std::string base = "/proc/" + std::to_string(pid) + "/";
  std::string sc = read_file(base + "syscall");
  if (sc.rfind(std::to_string(nr) + " ", 0) != 0) return false;
  return read_file(base + "wchan").find("seccomp") != std::string::npos;
}

class InterruptedWait : public SigvisorTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(InterruptedWait, ReturnsEintrInsteadOfWaitingOn) {
  SKIP_ON_KERNEL_ENGINE(
      "the notify engine's queue only: the kernel engine leaves waits in the "
      "kernel, where a signal interrupts them natively");
  const std::string wait = GetParam();
  const long nr = wait == "pause"        ? SYS_pause
                  : wait == "sigsuspend" ? SYS_rt_sigsuspend
                                         : SYS_rt_sigtimedwait;
  const std::string events = temp_path("events");
  int to_prog[2], from_prog[2];
  ASSERT_EQ(pipe2(to_prog, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(from_prog, O_CLOEXEC), 0);
  pid_t sv = fork();
  ASSERT_GE(sv, 0);
  if (sv == 0) {
    dup2(to_prog[0], 0);
    dup2(from_prog[1], 1);
    execl(SIGVISOR_BIN, SIGVISOR_BIN, "-o", "/dev/null", "--json", events.c_str(), "--timeout",
          "60", "--", example("wait_once").c_str(), wait.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_prog[0]);
  close(from_prog[1]);
  // Lets sigvisor go on; returns what the program printed next and sigvisor's wait status.
  // A program still waiting after 10 s is ended (SIGTERM to sigvisor: exit 143).
  auto finish = [&] {
    kill(sv, SIGCONT);
    close(to_prog[1]);
    std::string rest = read_lines(from_prog[0], 1, 10);
    int st = 0;
    const auto limit = Clock::now() + std::chrono::seconds(10);
    while (waitpid(sv, &st, WNOHANG) == 0) {
      if (Clock::now() > limit) {
        kill(sv, SIGTERM);
        waitpid(sv, &st, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    close(from_prog[0]);
    return std::make_pair(rest, st);
  };

  std::string ready = read_lines(from_prog[0], 1, 20);
  pid_t prog = 0;
  ASSERT_EQ(sscanf(ready.c_str(), "ready %d", &prog), 1) << ready;

  // Stop sigvisor: from now on nothing receives the program's notification.
  ASSERT_EQ(kill(sv, SIGSTOP), 0);
  ASSERT_TRUE(eventually([&] { return all_threads_stopped(sv); }, 10)) << "sigvisor did not stop";
  ASSERT_EQ(write(to_prog[1], "g", 1), 1);
  if (!eventually([&] { return waiting_for_supervisor(prog, nr); }, 10)) {
    auto [rest, st] = finish();
    FAIL() << "the program never waited in the notification queue for " << wait
           << " (wchan: " << read_file("/proc/" + std::to_string(prog) + "/wchan") << ")";
  }
  ASSERT_EQ(syscall(SYS_tgkill, prog, prog, SIGALRM), 0);
  // Only once the aborted wait has reached its delivery stop may sigvisor go on: were it
  // to receive the notification first, the wait would run and be interrupted natively.
  EXPECT_TRUE(eventually([&] { return task_state(prog) == 't'; }, 10))
      << "the SIGALRM did not reach a delivery stop";
  auto [rest, st] = finish();

  // The wait returned EINTR after its handler, as it does natively for a signal that
  // arrives during the wait (a rerun would have slept until the --timeout).
  EXPECT_NE(rest.find("returned -1 errno EINTR alarms 1"), std::string::npos)
      << "program said: " << rest;
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "sigvisor wait status " << st;
  // The wait is recorded once, with the EINTR it returned, before the SIGALRM that
  // interrupted it; the SIGALRM is seen at its delivery stop, sent from outside.
  const std::string name = wait == "pause" ? "pause" : "rt_" + wait;
  int waits = 0;
  int64_t wait_seq = -1, signal_seq = -1;
  for (const auto& e : read_events(events)) {
    if (e["event"] == "syscall" && e["syscall"] == name) {
      ++waits;
      wait_seq = e["seq"];
      EXPECT_EQ(e["errno"], "EINTR") << e.dump();
      EXPECT_EQ(e["action"], "allow") << e.dump();
    }
    if (e["event"] == "signal" && e["sig"] == "SIGALRM") {
      signal_seq = e["seq"];
      EXPECT_EQ(e["sender"]["scope"], "outside") << e.dump();
    }
  }
  EXPECT_EQ(waits, 1) << "the " << name << " call should be recorded once";
  EXPECT_GE(signal_seq, 0) << "no SIGALRM delivery event";
  EXPECT_LT(wait_seq, signal_seq) << "the wait is recorded after the signal that ended it";
}

INSTANTIATE_TEST_SUITE_P(Waits, InterruptedWait,
                         ::testing::Values("pause", "sigsuspend", "sigtimedwait"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace sigvisor::test
