// Process groups with members outside the tree are not inside groups (threat model §9,
// issue 13 point 3). On a terminal the program shares sigvisor's session, so it can join
// a group there: the group of an outside `sleep` canary, or sigvisor's own.
// - Joining (setpgid, the pgrp family) is refused and recorded under ci-isolation and
//   untrusted, with and without Landlock (which does not see it): scope outside or
//   supervisor.
// - Where joining is allowed (a policy that allows the pgrp family; sigvisor's group under
//   the default policy), kill(0, SIGUSR1) and kill(-pgid, SIGUSR1) are still refused:
//   the group holds an outside member. The canary and sigvisor stay untouched.
// The terminal is a pseudo-terminal made here.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "harness.h"

namespace sigvisor::test {
namespace {

struct PtyRun {
  int exit_status = -1;
  std::string tty;  // what sigvisor and the program wrote on the terminal
  std::vector<nlohmann::json> events;
  pid_t canary = -1;
};

// sigvisor SIGVISOR_ARGS -- group_kill ARG, on a new pseudo-terminal whose session also
// holds a `sleep 60` canary in a group of its own. ARG "canary" becomes the canary's group
// id.
PtyRun run_on_pty(const std::string& arg, const std::vector<std::string>& sigvisor_args) {
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
    std::vector<std::string> argv = {SIGVISOR_BIN, "-o", "/dev/null", "--json", events};
    argv.insert(argv.end(), sigvisor_args.begin(), sigvisor_args.end());
    argv.insert(argv.end(),
                {"--", example("group_kill"), arg == "canary" ? std::to_string(canary) : arg});
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(SIGVISOR_BIN, cargv.data());
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

// The setpgid events of a run.
std::vector<nlohmann::json> joins(const PtyRun& r) {
  std::vector<nlohmann::json> out;
  for (const auto& e : r.events) {
    if (e.value("event", "") == "syscall" && e.value("syscall", "") == "setpgid") out.push_back(e);
  }
  return out;
}

class GroupsWithOutsiders : public SigvisorTest {
 protected:
  void TearDown() override {
    if (canary_ > 0) kill(canary_, SIGKILL);
  }
  PtyRun run(const std::string& arg, const std::vector<std::string>& args) {
    PtyRun r = run_on_pty(arg, args);
    canary_ = r.canary;
    return r;
  }
  void expect_kills_refused(const PtyRun& r, const std::string& scope) {
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

// Allows joining any group, refuses signals outside: the group scan alone must hold.
std::string join_anything_policy() {
  const std::string path = temp_path("join-anything") + ".json";
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return path;
  std::fputs(R"({"name": "join-anything", "default": "allow", "rules": [
    {"name": "join", "match": {"syscall": "pgrp"}, "action": "allow"},
    {"name": "stay-inside", "match": {"target": ["outside", "supervisor"]}, "action": "deny"}]})",
             f);
  std::fclose(f);
  return path;
}

TEST_F(GroupsWithOutsiders, JoiningAnOutsideGroupIsRecordedAndKill0Refused) {
  PtyRun r = run("canary", {"-P", join_anything_policy()});
  ASSERT_GT(canary_, 0);
  EXPECT_EQ(r.exit_status, 0) << r.tty;
  ASSERT_NE(r.tty.find("setpgid(0, pgid) = 0"), std::string::npos)
      << "could not join the canary's group: " << r.tty;
  auto j = joins(r);
  ASSERT_EQ(j.size(), 1u) << r.tty;
  EXPECT_EQ(j[0]["target"]["scope"], "outside");
  EXPECT_EQ(j[0]["target"]["pid"], -canary_);
  EXPECT_EQ(j[0]["action"], "allow");
  EXPECT_TRUE(alive(canary_)) << "the outside canary got SIGUSR1: " << r.tty;
  expect_kills_refused(r, "outside");
}

TEST_F(GroupsWithOutsiders, JoiningSigvisorsGroupIsAllowedByDefaultButKill0Refused) {
  PtyRun r = run("supervisor", {});
  EXPECT_EQ(r.exit_status, 0) << "sigvisor did not survive: " << r.tty;
  ASSERT_NE(r.tty.find("setpgid(0, pgid) = 0"), std::string::npos)
      << "could not join sigvisor's group: " << r.tty;
  auto j = joins(r);
  ASSERT_EQ(j.size(), 1u) << r.tty;
  EXPECT_EQ(j[0]["target"]["scope"], "supervisor");
  EXPECT_EQ(j[0]["action"], "allow");  // no built-in refusal for joining: the kills are
  expect_kills_refused(r, "supervisor");
}

// Joining under the isolation policies: refused before the kernel sees it, with or without
// Landlock (which has no say in setpgid), and recorded.
struct JoinCase {
  const char* name;
  const char* policy;
  bool landlock;
  const char* group;  // "canary" or "supervisor"
};

class JoinRefused : public GroupsWithOutsiders, public ::testing::WithParamInterface<JoinCase> {};

TEST_P(JoinRefused, SetpgidIsRefusedAndRecorded) {
  const JoinCase& c = GetParam();
  std::vector<std::string> args = {"-P", c.policy};
  const bool untrusted = std::string(c.policy) == "untrusted";
  if (untrusted && geteuid() == 0) args.insert(args.end(), {"--user", kUntrustedTestUser});
  if (!c.landlock) args.push_back("--no-landlock");
  PtyRun r = run(c.group, args);
  const bool to_canary = std::string(c.group) == "canary";
  if (to_canary) {
    ASSERT_GT(canary_, 0);
    EXPECT_TRUE(alive(canary_)) << r.tty;
  }
  auto j = joins(r);
  ASSERT_EQ(j.size(), 1u) << r.tty;
  EXPECT_EQ(j[0]["target"]["scope"], to_canary ? "outside" : "supervisor");
  EXPECT_EQ(j[0]["errno"], "EPERM");
  EXPECT_EQ(r.tty.find("kill("), std::string::npos) << "it went on after joining: " << r.tty;
  if (untrusted) {
    EXPECT_EQ(j[0]["action"], "abort");
    EXPECT_EQ(j[0]["rule"], "escape-attempt");
    EXPECT_EQ(r.exit_status, 125) << r.tty;
  } else {
    EXPECT_EQ(j[0]["action"], "deny");
    EXPECT_EQ(j[0]["rule"], to_canary ? "stay-inside" : "protect-supervisor");
    EXPECT_NE(r.tty.find("setpgid(0, pgid) = -1 EPERM"), std::string::npos) << r.tty;
    EXPECT_EQ(r.exit_status, 3) << r.tty;  // group_kill gives up when it cannot join
    // ci-denials: the same rules (its stay-inside and protect-supervisor are ci-isolation's).
  }
}

const JoinCase kJoinCases[] = {
    {"ci_isolation_canary_no_landlock", "ci-isolation", false, "canary"},
    {"ci_isolation_canary_landlock", "ci-isolation", true, "canary"},
    {"ci_isolation_supervisor_no_landlock", "ci-isolation", false, "supervisor"},
    {"ci_isolation_supervisor_landlock", "ci-isolation", true, "supervisor"},
    {"ci_denials_canary_no_landlock", "ci-denials", false, "canary"},
    {"ci_denials_supervisor_landlock", "ci-denials", true, "supervisor"},
    {"untrusted_canary_no_landlock", "untrusted", false, "canary"},
    {"untrusted_canary_landlock", "untrusted", true, "canary"},
    {"untrusted_supervisor_no_landlock", "untrusted", false, "supervisor"},
};

INSTANTIATE_TEST_SUITE_P(Policies, JoinRefused, ::testing::ValuesIn(kJoinCases),
                         [](const auto& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace sigvisor::test
