// sigvisor as a container's first process (docs/ci.md), in a PID namespace of its own
// (`unshare --pid --fork --mount-proc`, as `docker run IMAGE sigvisor ... -- JOB` makes
// it PID 1): `docker stop`'s protocol — SIGTERM to PID 1 from outside the namespace, then
// SIGKILL after the grace period — reaches the job as it reaches the job run as PID 1
// natively, the container's exit status is the job's, and orphans that end are reaped.
#include <signal.h>

#include <cctype>

#include "ci_job.h"

namespace sigvisor::test {
namespace {

class Container : public SigvisorTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    SKIP_ON_KERNEL_ENGINE("the kernel engine refuses a PID namespace of its own "
                          "(KernelEngine.InAPidNamespaceItIsRefusedAndAutoFallsBack)");
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
    // A process whose parent ends first: it is reparented to PID 1.
    const std::vector<std::string> cmd = {"/bin/sh", "-c",
                                          "sh -c 'sleep 1000 & echo $! > " + orphan + "'; exec " +
                                              example("ci_job") + " " + dir + "/log relay"};
    StartedJob j = start(cmd, dir, supervised);
    EXPECT_TRUE(eventually([&] { return j.ready(); })) << read_file(j.err());
    // The orphan, seen from here: the process whose pid in the container (the last of
    // its NSpid) is the one the inner shell wrote.
    std::string in_container;
    EXPECT_TRUE(eventually([&] {
      in_container = read_file(orphan);
      return !in_container.empty() && in_container.back() == '\n';
    }));
    in_container.pop_back();
    pid_t orphan_pid = 0;
    eventually([&] {
      for (pid_t p : descendants(j.pid)) {
        for (const auto& l :
             lines_with(read_file("/proc/" + std::to_string(p) + "/status"), "NSpid:")) {
          if (l.size() > in_container.size() &&
              l.compare(l.size() - in_container.size(), std::string::npos, in_container) == 0 &&
              std::isspace(static_cast<unsigned char>(l[l.size() - in_container.size() - 1]))) {
            orphan_pid = p;
          }
        }
      }
      return orphan_pid > 0;
    });
    // It ends (killed from here), natively as a zombie that stays one (PID 1, the runner,
    // waits for its worker only); under sigvisor it is reaped and gone.
    if (orphan_pid > 0) kill(orphan_pid, SIGKILL);
    auto state = [&] {
      auto st = read_stat(orphan_pid);
      return st ? st->state : '\0';
    };
    std::string end = "not found";
    if (orphan_pid > 0) {
      eventually([&] { return state() == (supervised ? '\0' : 'Z'); });
      end = state() == '\0' ? "reaped" : state() == 'Z' ? "zombie" : "running";
    }
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
