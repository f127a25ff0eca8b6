// Attach mode's pure parts: -p's pid lists, seizing every thread of a process while new
// ones appear (a fake /proc listing), the detach rule, the detaching tree's steps (fake
// task ids: the interrupts fail as for tasks already gone), and how sigvisor exits.
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "cli/pid_list.h"
#include "engine/notify/attach_threads.h"
#include "engine/notify/detaching_tree.h"
#include "engine/notify/front_end.h"
#include "engine/notify/restart_rule.h"

namespace sigvisor::test {
namespace {

TEST(PidList, CommasSpacesNewlinesAndRepeatedOptions) {
  auto p = parse_pid_list({"1,2", "3"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<pid_t>{1, 2, 3}));
  p = parse_pid_list({" 40 41\n42\n", "\t43,,44"});  // pidof (spaces), pgrep (newlines)
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<pid_t>{40, 41, 42, 43, 44}));
  p = parse_pid_list({"7,7", "7"});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (std::vector<pid_t>{7})) << "each pid once";
}

TEST(PidList, BadWordsAreOneLine) {
  const std::map<std::string, std::string> bad = {
      {"0", "-p '0': invalid process id"},
      {"-3", "-p '-3': invalid process id"},
      {"12x", "-p '12x': invalid process id"},
      {"99999999999", "-p '99999999999': invalid process id"},
      {" , ", "-p: no process id given"},
  };
  for (const auto& [value, message] : bad) {
    auto p = parse_pid_list({value});
    ASSERT_FALSE(p.ok()) << value;
    EXPECT_EQ(p.error().message, message);
  }
}

// A process whose threads start threads: the listing shows what exists when it is read;
// seizing a thread means threads it starts later are traced from birth ("ours").
struct FakeProcess {
  std::vector<pid_t> threads;
  std::map<pid_t, std::vector<pid_t>> starts_when_seized;  // before we see the listing
  std::set<pid_t> traced;
  std::set<pid_t> untraceable;
  int listings = 0;

  std::vector<pid_t> list() {
    ++listings;
    return threads;
  }
  SeizeOutcome seize(pid_t tid) {
    if (untraceable.count(tid) != 0) return SeizeOutcome::failed;
    if (!traced.insert(tid).second) return SeizeOutcome::ours;
    // Threads an untraced thread started meanwhile: in the next listing, untraced.
    for (pid_t t : starts_when_seized[tid]) threads.push_back(t);
    return SeizeOutcome::seized;
  }
};

TEST(SeizeThreads, ListsAgainUntilAPassSeizesNothingNew) {
  FakeProcess p;
  p.threads = {10, 11};
  p.traced = {10};                  // the leader, seized first
  p.starts_when_seized[11] = {12};  // 12 appears after the first listing
  p.starts_when_seized[12] = {13};  // and 13 after the second
  auto r = seize_threads([&] { return p.list(); }, [&](pid_t t) { return p.seize(t); });
  EXPECT_TRUE(r.converged);
  EXPECT_EQ(r.seized, (std::vector<pid_t>{11, 12, 13}));
  EXPECT_EQ(p.listings, 4) << "the last listing shows nothing new";
  EXPECT_TRUE(r.failed.empty());
}

TEST(SeizeThreads, AutoAttachedAndGoneThreadsAreNotNewAndFailuresAreKept) {
  FakeProcess p;
  p.threads = {20, 21, 22};
  p.traced = {20, 21};  // 21 was auto-attached (a seized thread started it)
  p.untraceable = {22};
  auto r = seize_threads([&] { return p.list(); }, [&](pid_t t) { return p.seize(t); });
  EXPECT_TRUE(r.converged);
  EXPECT_TRUE(r.seized.empty());
  EXPECT_EQ(r.failed, (std::vector<pid_t>{22}));
  EXPECT_EQ(p.listings, 1);
}

TEST(SeizeThreads, GivesUpWhenThreadsKeepAppearing) {
  pid_t next = 100;
  auto r = seize_threads([&] { return std::vector<pid_t>{next++}; },
                         [](pid_t) { return SeizeOutcome::seized; }, 5);
  EXPECT_FALSE(r.converged);
  EXPECT_EQ(r.seized.size(), 5u);
}

TEST(RestartRule, DetachIsEveryStopsLastAndKeepsTheSignalToDeliver) {
  struct Case {
    Resume in;
    int sig;
    int out_sig;
  };
  // A delivery stop's signal is injected by the detach; a group stop (LISTEN) is left
  // with none: the kernel puts the task back into the stop still in effect.
  const Case cases[] = {{Resume::cont, SIGUSR1, SIGUSR1},
                        {Resume::syscall, 0, 0},
                        {Resume::listen, 0, 0},
                        {Resume::listen, SIGSTOP, 0}};
  for (const Case& c : cases) {
    Restart r = apply_rule(RestartRule::detach, Restart{c.in, c.sig});
    EXPECT_EQ(r.how, Resume::detach);
    EXPECT_EQ(r.sig, c.out_sig);
  }
}

// Ids no task has: the interrupts fail with ESRCH, as for tasks that are already gone.
constexpr pid_t kNoTask = 0x3ffffff0;

TEST(DetachingTree, HoldsUntilAskedThenInterruptsAndEndsWithTheLastTask) {
  ProcessTable table(Outside{1, 1});
  table.add(TaskInfo{kNoTask, kNoTask, 1, make_comm("a")});
  table.add(TaskInfo{kNoTask + 1, kNoTask, 1, make_comm("a")});
  Diagnostics diag(nullptr, false);
  PtraceOps ops(diag);
  DetachingTree tree(table);
  ASSERT_EQ(tree.release(), &tree);
  EXPECT_EQ(tree.before_wait(ops, false), ReleaseStep::hold);
  // Asked from another thread (the control loop): counted like a kill, and it wakes us.
  std::size_t ended = 0;
  std::thread([&] { ended = tree.end_tree(); }).join();
  EXPECT_EQ(ended, 1u) << "one process, two threads";
  EXPECT_EQ(tree.before_wait(ops, false), ReleaseStep::releasing);
  table.remove(kNoTask + 1);  // detached at its stop
  EXPECT_EQ(tree.before_wait(ops, false), ReleaseStep::releasing);
  table.remove(kNoTask);
  EXPECT_EQ(tree.before_wait(ops, false), ReleaseStep::done);
}

TEST(DetachingTree, AWakeWithoutAStopEndsWhenNothingLeftCanStop) {
  // A task that /proc no longer shows (or a zombie leader) will never stop again.
  ProcessTable table(Outside{1, 1});
  table.add(TaskInfo{kNoTask, kNoTask, 1, make_comm("a")});
  Diagnostics diag(nullptr, false);
  PtraceOps ops(diag);
  DetachingTree tree(table);
  tree.end_tree();
  EXPECT_EQ(tree.before_wait(ops, false), ReleaseStep::releasing);
  EXPECT_EQ(tree.before_wait(ops, true), ReleaseStep::done);
}

TEST(AttachExit, AsStraceP) {
  using C = RunEnd::Cause;
  RunEnd exited{C::program_exited, 0, 0, 0, false, 7 << 8, 0};
  ExitPlan p = attach_exit_plan(exited);
  EXPECT_EQ(p.status, 0) << "the processes' statuses are their parents'";
  EXPECT_EQ(p.signal, 0);
  RunEnd sigint{C::fatal_signal, SIGINT, 1, 0, false, 0, 128 + SIGINT};
  sigint.detached = true;
  p = attach_exit_plan(sigint);
  EXPECT_EQ(p.status, 128 + SIGINT);
  EXPECT_EQ(p.signal, SIGINT) << "re-raised, as strace -p does";
  EXPECT_EQ(end_message(sigint), "sigvisor: received SIGINT: detached 1 processes");
  // Under -p a timeout lets go at once whatever --timeout-signal says (no program to
  // signal): the end records SIGKILL's wording.
  RunEnd timeout{C::timeout, SIGKILL, 2, 0, false, 0, 124, 3, 0};
  timeout.detached = true;
  p = attach_exit_plan(timeout);
  EXPECT_EQ(p.status, 124);
  EXPECT_EQ(p.signal, 0);
  EXPECT_EQ(end_message(timeout), "sigvisor: timeout after 3 s: detached 2 processes");
  p = attach_exit_plan(RunEnd{C::policy_abort, 0, 1, 0, false, 0, 125});
  EXPECT_EQ(p.status, 125);
}

}  // namespace
}  // namespace sigvisor::test
