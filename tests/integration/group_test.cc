// Process groups with members outside the tree are not inside groups (threat model §9,
// issue 13 point 3). On a terminal the program shares sigvisor's session, so it can join
// a group there: the group of an outside `sleep` canary, or sigvisor's own. Then
// kill(0, SIGUSR1) and kill(-pgid, SIGUSR1) must be refused under -P ci-isolation with
// --no-landlock (the policy must hold alone): scope outside or supervisor, action deny,
// the canary and sigvisor untouched. The terminal is a pseudo-terminal made here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

namespace sigvisor::test {
namespace {

struct PtyRun {
  int exit_status = -1;
  std::string tty;  // what sigvisor and the program wrote on the terminal
  std::vector<nlohmann::json> events;
  pid_t canary = -1;
};

// sigvisor -P ci-isolation --no-landlock -- group_kill ARG, on a new pseudo-terminal whose
// session also holds a `sleep 60` canary in a group of its own. ARG "canary" becomes the
// canary's group id.
PtyRun run_on_pty(const std::string& arg) {
  PtyRun run;
  const std::string events = temp_path("events");
  int ids[2];
  if (pipe(ids) != 0) return run;
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    close(ids[0]);
    // The canary is no child of sigvisor (which waits for all its children): an
    // intermediate process forks it and exits at once.
    pid_t canary = -1;
    int ends[2];
    if (pipe(ends) != 0) _exit(126);
    pid_t middle = fork();
    if (middle == 0) {
      pid_t c = fork();
      if (c == 0) {
        setpgid(0, 0);
        // Off the terminal: the master reads EIO once sigvisor and the program are gone.
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
        _exit(127);
      }
      setpgid(c, c);
      (void)!write(ends[1], &c, sizeof c);
      _exit(0);
    }
    close(ends[1]);
    (void)!read(ends[0], &canary, sizeof canary);
    close(ends[0]);
    waitpid(middle, nullptr, 0);
    (void)!write(ids[1], &canary, sizeof canary);
    close(ids[1]);
    std::string target = arg == "canary" ? std::to_string(canary) : arg;
    execl(SIGVISOR_BIN, SIGVISOR_BIN, "-o", "/dev/null", "--json", events.c_str(), "-P",
          "ci-isolation", "--no-landlock", "--", example("group_kill").c_str(), target.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(ids[1]);
  if (pid < 0) return run;
  (void)!read(ids[0], &run.canary, sizeof run.canary);
  close(ids[0]);
  char buf[4096];
  for (;;) {  // until the terminal hangs up (EIO): everything on it has exited
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    run.tty.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.events = read_events(events);
  return run;
}

class GroupsWithOutsiders : public SigvisorTest {
 protected:
  void TearDown() override {
    if (canary_ > 0) kill(canary_, SIGKILL);
  }
  void expect_refused(const PtyRun& r, const std::string& scope) {
    std::size_t refused = 0;
    for (const auto& e : r.events) {
      if (e.value("event", "") != "syscall" || e.value("syscall", "") != "kill") continue;
      ++refused;
      EXPECT_EQ(e["target"]["scope"], scope) << e.dump();
      EXPECT_EQ(e["action"], "deny") << e.dump();
      EXPECT_EQ(e["errno"], "EPERM") << e.dump();
    }
    EXPECT_EQ(refused, 2u) << r.tty;
    EXPECT_NE(r.tty.find("kill(0, SIGUSR1) = -1 EPERM"), std::string::npos) << r.tty;
    EXPECT_NE(r.tty.find("kill(-pgid, SIGUSR1) = -1 EPERM"), std::string::npos) << r.tty;
  }
  pid_t canary_ = -1;
};

TEST_F(GroupsWithOutsiders, JoiningAnOutsideGroupThenKill0IsRefused) {
  PtyRun r = run_on_pty("canary");
  canary_ = r.canary;
  ASSERT_GT(canary_, 0);
  EXPECT_EQ(r.exit_status, 0) << r.tty;
  ASSERT_NE(r.tty.find("setpgid(0, pgid) = 0"), std::string::npos)
      << "could not join the canary's group: " << r.tty;
  EXPECT_TRUE(alive(canary_)) << "the outside canary got SIGUSR1: " << r.tty;
  expect_refused(r, "outside");
}

TEST_F(GroupsWithOutsiders, JoiningSigvisorsGroupThenKill0IsRefused) {
  PtyRun r = run_on_pty("supervisor");
  canary_ = r.canary;
  EXPECT_EQ(r.exit_status, 0) << "sigvisor did not survive: " << r.tty;
  ASSERT_NE(r.tty.find("setpgid(0, pgid) = 0"), std::string::npos)
      << "could not join sigvisor's group: " << r.tty;
  expect_refused(r, "supervisor");
}

}  // namespace
}  // namespace sigvisor::test
