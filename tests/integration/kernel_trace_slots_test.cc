// Issue 14: the kernel trace's tracefs instances (slots, instances/sigvisor-slot-N) over
// their life: let go after every run and after SIGTERM to sigvisor, one per concurrent run,
// leftovers drained at the next claim, stale per-run instances removed. Skips where the
// kernel trace is unavailable (not root, no tracefs).
#include "kernel_trace_helpers.h"

namespace sigvisor::test {
namespace {

TEST_F(KernelTrace, InstanceIsLetGoAfterSigtermToSigvisor) {
  SKIP_ON_KERNEL_ENGINE("the tracefs instances are the notify engine\'s sender witness");
  Sleeper s = start_sleeper({});
  ASSERT_GT(s.sigvisor, 0);
  const std::string slot = held_instance(s.sigvisor);
  ASSERT_FALSE(slot.empty());
  ASSERT_EQ(kill(s.sigvisor, SIGTERM), 0);
  Outcome r = s.run.get();
  EXPECT_EQ(r.exit_status, 128 + SIGTERM) << r.err;
  EXPECT_TRUE(let_go(slot));
}

TEST_F(KernelTrace, StaleInstanceOfADeadSigvisorIsRemoved) {
  SKIP_ON_KERNEL_ENGINE("the tracefs instances are the notify engine\'s sender witness");
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string stale = "/sys/kernel/tracing/instances/sigvisor-" + std::to_string(dead);
  ASSERT_EQ(mkdir(stale.c_str(), 0700), 0) << stale;
  Outcome r = run_sigvisor({}, {"/bin/true"});
  EXPECT_EQ(r.exit_status, 0) << r.err;
  EXPECT_FALSE(exists(stale));
  if (exists(stale)) rmdir(stale.c_str());
}

TEST_F(KernelTrace, ConcurrentRunsHoldDifferentSlots) {
  SKIP_ON_KERNEL_ENGINE("the tracefs instances are the notify engine\'s sender witness");
  Sleeper a = start_sleeper({});
  Sleeper b = start_sleeper({});
  const std::string slot_a = held_instance(a.sigvisor);
  const std::string slot_b = held_instance(b.sigvisor);
  ASSERT_FALSE(slot_a.empty());
  ASSERT_FALSE(slot_b.empty());
  EXPECT_NE(slot_a, slot_b);
  for (pid_t p : {a.target, b.target}) kill(p, SIGTERM);
  EXPECT_EQ(a.run.get().exit_status, 128 + SIGTERM);
  EXPECT_EQ(b.run.get().exit_status, 128 + SIGTERM);
  EXPECT_TRUE(let_go(slot_a));
  EXPECT_TRUE(let_go(slot_b));
  // No slot directory beyond the ones runs ever held at once: at most kSlots.
  int slots = 0;
  for (int n = 0; n < TracefsInstance::kSlots + 8; ++n)
    slots += exists(TracefsInstance::slot_dir(n));
  EXPECT_LE(slots, TracefsInstance::kSlots);
}

TEST_F(KernelTrace, AClaimDrainsWhatAKilledHolderLeft) {
  SKIP_ON_KERNEL_ENGINE("the tracefs instances are the notify engine\'s sender witness");
  // Forked before the claim: a child would share the claimed descriptor, and its flock.
  pid_t helper = fork();
  if (helper == 0) {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, nullptr);
    pause();
    _exit(0);
  }
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reaper{helper};
  std::string dir;
  int fd = -1;
  for (int n = 0; n < TracefsInstance::kSlots && fd < 0; ++n) {
    dir = TracefsInstance::slot_dir(n);
    mkdir(dir.c_str(), 0700);
    fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << dir;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      fd = -1;
    }
  }
  ASSERT_GE(fd, 0) << "no free slot";
  std::ofstream(dir + "/events/signal/signal_generate/enable") << "1";
  for (int i = 0; i < 50; ++i) kill(helper, SIGUSR2);  // pending once, generated 50 times
  const std::string mark = "pid=" + std::to_string(helper) + " ";
  ASSERT_NE(read_file(dir + "/trace").find(mark), std::string::npos) << "the sends were not traced";
  close(fd);  // the holder is gone; its event is still on
  Diagnostics quiet(nullptr, false);
  // A claim takes the lowest free slot: a concurrent run may free a lower one first, so
  // claim (and hold) until the slot left behind has been claimed, by us or by another run.
  // Whoever claimed it drained it first.
  std::vector<TracefsInstance> held;
  std::string claimed;
  while (read_file(dir + "/trace").find(mark) != std::string::npos &&
         held.size() < static_cast<std::size_t>(TracefsInstance::kSlots)) {
    auto inst = TracefsInstance::create(getpid(), quiet);
    ASSERT_TRUE(inst) << inst.error().message;
    claimed += " " + inst->dir();
    held.push_back(std::move(*inst));
  }
  EXPECT_EQ(read_file(dir + "/trace").find(mark), std::string::npos)
      << dir << " (claimed:" << claimed << ")";
}

}  // namespace
}  // namespace sigvisor::test
