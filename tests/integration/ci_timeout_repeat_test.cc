// timeout(1) around sigvisor, cancelled by a signal to timeout, 100 times: timeout
// signals its child and then its own process group, so one cancellation reaches sigvisor
// twice, in either order or as one (docs/ci.md). It is one request every time: the
// runner's and the worker's SIGTERM handlers each run once, and the job's status is
// theirs. Before, the second copy killed the tree in about one run in seven.
#include <signal.h>

#include <cstdlib>

#include "ci_job.h"

namespace sigvisor::test {
namespace {

constexpr int kRuns = 100;

TEST_F(SigvisorTest, TimeoutCancelIsOneRequestEveryTime) {
  const JobView expected{{"SIGTERM", "worker exited 7"}, {"SIGTERM"}, "exit 7"};
  int as_natively = 0;
  for (int i = 0; i < kRuns; ++i) {
    const std::string dir = job_dir();
    std::vector<std::string> argv = {"timeout", "600"};
    for (const auto& a : under_sigvisor("ci-isolation", dir, job_command(dir))) argv.push_back(a);
    StartedJob j = start_job(argv, dir);
    ASSERT_TRUE(eventually([&] { return j.ready() && j.timeout_ready(); })) << read_file(j.err());
    ASSERT_EQ(kill(j.pid, SIGTERM), 0);
    const JobView v = j.view();
    EXPECT_EQ(v, expected) << "run " << i << " (its files are kept in " << dir
                           << "): " << read_file(j.err());
    if (v == expected) {
      ++as_natively;
      std::system(("rm -rf '" + dir + "'").c_str());
    }
  }
  EXPECT_EQ(as_natively, kRuns);
}

}  // namespace
}  // namespace sigvisor::test
