// sigvisor as a container's first process (docs/ci.md), in a PID namespace of its own
// (`unshare --pid --fork --mount-proc`, as `docker run IMAGE sigvisor ... -- JOB` makes
// it PID 1): `docker stop`'s protocol — SIGTERM to PID 1 from outside the namespace, then
// SIGKILL after the grace period — reaches the job as it reaches the job run as PID 1
// natively, the container's exit status is the job's, and orphans that end are reaped.
#include <signal.h>

#include "ci_job.h"

namespace sigvisor::test {
namespace {

class Container : public SigvisorTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (run_native({"unshare", "--pid", "--fork", "--mount-proc", "true"}).exit_status != 0) {
      GTEST_SKIP() << "unshare --pid --fork --mount-proc is not allowed here";
    }
  }
  const std::string& policy() const { return GetParam(); }
  // The container around `command` (under sigvisor when `supervised`); the job's files
  // in `dir`.
  StartedJob start(const std::vector<std::string>& command, const std::string& dir,
                   bool supervised) {
    std::vector<std::string> argv = {"unshare", "--pid", "--fork", "--mount-proc"};
    const auto inner = supervised ? under_sigvisor(policy(), dir, command) : command;
    argv.insert(argv.end(), inner.begin(), inner.end());
    return start_job(argv, dir);
  }
  // PID 1 of the container, seen from here: unshare's child.
  static pid_t first_process(const StartedJob& j) {
    pid_t first = 0;
    eventually([&] {
      for (pid_t p : descendants(j.pid)) {
        auto st = read_stat(p);
        if (st && st->ppid == j.pid) first = p;
      }
      return first > 0;
    });
    return first;
  }
};

// docker stop: SIGTERM to PID 1 alone; the runner waits for its worker, which nobody
// signalled, so after the grace period SIGKILL ends the container. Natively PID 1 is the
// runner; under sigvisor it is sigvisor, which passes the signal on as it was sent: to
// the runner only.
TEST_P(Container, DockerStopReachesTheJobAsNatively) {
  auto run = [&](bool supervised) {
    const std::string dir = job_dir();
    StartedJob j = start(job_command(dir), dir, supervised);
    EXPECT_TRUE(eventually([&] { return j.ready(); })) << read_file(j.err());
    const pid_t pid1 = first_process(j);
    EXPECT_GT(pid1, 0);
    EXPECT_EQ(kill(pid1, SIGTERM), 0);
    EXPECT_TRUE(eventually([&] { return logged(j.log(), "runner", "SIGTERM") == 1; }))
        << read_job_log(j.log()) << read_file(j.err());
    EXPECT_EQ(kill(pid1, SIGKILL), 0);  // the grace period is over
    if (supervised) append_events_log(read_file(j.events()));
    JobView v = j.view();
    // How unshare reports its child's SIGKILL varies with its version (util-linux 2.38
    // fails to re-raise it and exits 1): the container's status here is no one's.
    v.status.clear();
    return v;
  };
  const JobView native = run(false);
  ASSERT_EQ(native, (JobView{{"SIGTERM"}, {}, ""}));
  EXPECT_EQ(run(true), native);
}

// docker stop on a runner that passes the signal on to its worker (as an init would):
// both leave by their handlers, and the container's status is the job's.
TEST_P(Container, TheContainersStatusIsTheJobs) {
  auto run = [&](bool supervised, std::string* err) {
    const std::string dir = job_dir();
    StartedJob j = start(job_command(dir, /*relay=*/true), dir, supervised);
    EXPECT_TRUE(eventually([&] { return j.ready(); })) << read_file(j.err());
    EXPECT_EQ(kill(first_process(j), SIGTERM), 0);
    JobView v = j.view();
    *err = read_file(j.err());
    if (supervised) append_events_log(read_file(j.events()));
    return v;
  };
  std::string err;
  const JobView native = run(false, &err);
  ASSERT_EQ(native, (JobView{{"SIGTERM", "worker exited 7"}, {"SIGTERM"}, "exit 7"})) << err;
  EXPECT_EQ(run(true, &err), native) << err;
  EXPECT_EQ(err, "");
}

// An orphan that ends is reaped by sigvisor as PID 1. Natively the runner is PID 1 and
// waits for its worker only: the orphan stays a zombie (what an init is for).
TEST_P(Container, OrphansAreReaped) {
  auto run = [&](bool supervised) {
    const std::string dir = job_dir();
    const std::string orphan = dir + "/orphan";
    // A short-lived process whose parent ends first: it is reparented to PID 1.
    const std::vector<std::string> cmd = {"/bin/sh", "-c",
                                          "sh -c 'sleep 0.1 & echo $! > " + orphan + "'; exec " +
                                              example("ci_job") + " " + dir + "/log relay"};
    StartedJob j = start(cmd, dir, supervised);
    EXPECT_TRUE(eventually([&] { return j.ready(); })) << read_file(j.err());
    EXPECT_TRUE(eventually([&] { return !read_file(orphan).empty(); }));
    // The container's sleep, by its state: 'Z' a zombie, 0 gone (reaped).
    auto sleeper = [&] {
      for (pid_t p : descendants(j.pid)) {
        auto st = read_stat(p);
        if (st && comm_view(st->comm) == "sleep") return st->state;
      }
      return '\0';
    };
    // Natively it ends as a zombie and stays one; under sigvisor it ends and is gone.
    eventually([&] { return sleeper() == (supervised ? '\0' : 'Z'); });
    const char state = sleeper();
    const std::string end = state == '\0' ? "reaped" : state == 'Z' ? "zombie" : "running";
    kill(first_process(j), SIGTERM);
    j.wait();
    if (supervised) append_events_log(read_file(j.events()));
    return end;
  };
  EXPECT_EQ(run(false), "zombie");
  EXPECT_EQ(run(true), "reaped");
}

INSTANTIATE_TEST_SUITE_P(Policies, Container, ::testing::ValuesIn(transparency_policies()));

}  // namespace
}  // namespace sigvisor::test
