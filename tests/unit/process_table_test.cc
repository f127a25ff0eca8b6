// Target resolution from the process table: every scope, and the rule that doubt
// narrows to `outside` (unknown pids, threads of other groups, exited processes).
#include <gtest/gtest.h>
#include <unistd.h>

#include "tasks/process_table.h"

namespace sigvisor {
namespace {

constexpr pid_t kSupervisor = 500;
constexpr pid_t kSupervisorPgid = 499;

// root(1000) ── a(1001) ── a_child(1003)
//          └── b(1002)          a has a thread 1011
void fill(ProcessTable& t) {
  t.add({1000, 1000, 0, make_comm("root")});
  t.add({1001, 1001, 1000, make_comm("a")});
  t.add({1011, 1001, 1000, make_comm("a-worker")});
  t.add({1002, 1002, 1000, make_comm("b")});
  t.add({1003, 1003, 1001, make_comm("a_child")});
}

// The kernel's side for the fake pids above: one process group, 1000, holding them all.
class FakeProc final : public ProcView {
 public:
  std::optional<Comm> comm(pid_t) const override { return std::nullopt; }
  std::optional<ProcStat> stat(pid_t pid) const override {
    if (pid < 1000 || pid > 1003) return std::nullopt;
    ProcStat s;
    s.state = 'S';
    s.pgrp = 1000;
    return s;
  }
  bool is_thread_of(pid_t pid, pid_t tid) const override { return pid == 1001 && tid == 1011; }
  std::optional<std::vector<GroupMember>> group_members(pid_t pgid) const override {
    if (pgid != 1000) return std::vector<GroupMember>{};
    return std::vector<GroupMember>{{1000, 'S'}, {1001, 'S'}, {1002, 'S'}, {1003, 'S'}};
  }
};

class ProcessTableTest : public ::testing::Test {
 protected:
  void SetUp() override { fill(t); }
  FakeProc kernel;
  ProcessTable t{Outside{kSupervisor, kSupervisorPgid}, kernel};
};

CallData call(Sys s, std::initializer_list<int64_t> regs) {
  CallData c;
  c.sys = s;
  int i = 0;
  for (int64_t r : regs) c.regs[i++] = static_cast<uint64_t>(r);
  return c;
}

struct Case {
  const char* what;
  CallData call;
  pid_t caller_tid;
  Scope scope;
  int64_t pid;
  const char* comm;
};

TEST_F(ProcessTableTest, ResolvesEveryScope) {
  // A pid that surely does not exist: above the kernel's maximum.
  const int64_t missing = 4194305;
  const Case cases[] = {
      {"kill self", call(Sys::kill, {1001, 15}), 1001, Scope::self, 1001, "a"},
      {"kill own thread id = self process", call(Sys::kill, {1011, 15}), 1001, Scope::self, 1011,
       "a-worker"},
      {"kill child", call(Sys::kill, {1003, 15}), 1001, Scope::child, 1003, "a_child"},
      {"kill grandchild", call(Sys::kill, {1003, 15}), 1000, Scope::child, 1003, "a_child"},
      {"kill sibling", call(Sys::kill, {1002, 15}), 1001, Scope::sandbox, 1002, "b"},
      {"kill parent", call(Sys::kill, {1000, 15}), 1001, Scope::sandbox, 1000, "root"},
      {"kill supervisor", call(Sys::kill, {kSupervisor, 9}), 1001, Scope::supervisor, kSupervisor,
       "sigvisor"},
      {"kill init", call(Sys::kill, {1, 9}), 1001, Scope::init, 1, nullptr},
      {"kill missing", call(Sys::kill, {missing, 9}), 1001, Scope::outside, missing, ""},
      {"kill all", call(Sys::kill, {-1, 9}), 1001, Scope::all, -1, ""},
      {"kill own group", call(Sys::kill, {0, 9}), 1001, Scope::group, 0, ""},
      {"kill sandbox group", call(Sys::kill, {-1000, 9}), 1001, Scope::group, -1000, ""},
      {"kill supervisor group", call(Sys::kill, {-kSupervisorPgid, 9}), 1001, Scope::supervisor,
       -kSupervisorPgid, ""},
      {"kill unknown group", call(Sys::kill, {-missing, 9}), 1001, Scope::outside, -missing, ""},
      {"tgkill own thread", call(Sys::tgkill, {1001, 1011, 10}), 1001, Scope::thread, 1001,
       "a-worker"},
      {"tgkill self thread", call(Sys::tgkill, {1001, 1001, 10}), 1001, Scope::self, 1001, "a"},
      {"tgkill mismatched group", call(Sys::tgkill, {1002, 1011, 10}), 1001, Scope::outside, 1002,
       nullptr},
      {"tkill thread of other process", call(Sys::tkill, {1011, 10}), 1002, Scope::sandbox, 1001,
       "a-worker"},
      {"rt_sigqueueinfo child", call(Sys::rt_sigqueueinfo, {1003, 10, 0}), 1001, Scope::child, 1003,
       "a_child"},
      {"rt_tgsigqueueinfo thread", call(Sys::rt_tgsigqueueinfo, {1001, 1011, 10, 0}), 1001,
       Scope::thread, 1001, "a-worker"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto caller = t.find(c.caller_tid);
    ASSERT_TRUE(caller);
    Target got = t.resolve(c.call, *caller, -1);
    EXPECT_EQ(scope_name(got.scope), scope_name(c.scope));
    EXPECT_EQ(got.pid, c.pid);
    if (c.comm != nullptr) {
      EXPECT_EQ(comm_view(got.comm), c.comm);
    }
  }
}

TEST_F(ProcessTableTest, PidfdResolvesThroughTheNamedPid) {
  auto caller = *t.find(1001);
  CallData c = call(Sys::pidfd_send_signal, {3, 15, 0, 0});
  EXPECT_EQ(t.resolve(c, caller, 1003).scope, Scope::child);
  EXPECT_EQ(t.resolve(c, caller, -1).scope, Scope::outside);  // not a pidfd, or exited
  CallData open = call(Sys::pidfd_open, {1002, 0});
  EXPECT_EQ(t.resolve(open, caller, -1).scope, Scope::sandbox);
}

TEST_F(ProcessTableTest, ExitedProcessBecomesOutsideButKeepsItsName) {
  auto caller = *t.find(1001);
  t.remove(1002);
  Target got = t.resolve(call(Sys::kill, {1002, 9}), caller, -1);
  EXPECT_NE(got.scope, Scope::sandbox);  // never widened on a recycled pid
  ASSERT_TRUE(t.remembered_comm(1002));
  EXPECT_EQ(comm_view(*t.remembered_comm(1002)), "b");
}

TEST_F(ProcessTableTest, ExecByAThreadTakesTheLeadersId) {
  t.exec(1001, 1011, make_comm("newimage"), "/bin/newimage");
  EXPECT_FALSE(t.find(1011));
  ASSERT_TRUE(t.find(1001));
  EXPECT_EQ(comm_view(t.find(1001)->comm), "newimage");
  EXPECT_EQ(t.exe(1001), "/bin/newimage");
  EXPECT_EQ(t.find(1001)->ppid, 1000);  // the parent link survives exec
}

TEST_F(ProcessTableTest, SigkillSenderIsRememberedUntilExit) {
  auto sender = *t.find(1001);
  Target victim;
  victim.pid = 1003;
  t.note_sigkill(victim, sender);
  ASSERT_TRUE(t.sigkill_sender(1003));
  EXPECT_EQ(t.sigkill_sender(1003)->tgid, 1001);
  t.remove(1003);
  EXPECT_FALSE(t.sigkill_sender(1003));
}

TEST_F(ProcessTableTest, ExitedChildrenAreKeptAsZombiesUntilTheirPidIsReused) {
  t.remove(1011);  // a thread: no zombie of its own
  EXPECT_FALSE(t.zombie(1011));
  t.remove(1003);
  ASSERT_TRUE(t.zombie(1003));
  EXPECT_EQ(t.zombie(1003)->ppid, 1001);
  EXPECT_FALSE(t.find(1003));  // not live: never in all_tgids() or kill_tree()
  t.add({1003, 1003, 1002, make_comm("new")});
  EXPECT_FALSE(t.zombie(1003));  // reaped, and the pid reused inside the tree
  t.remove(1000);
  EXPECT_FALSE(t.zombie(1000));  // the root has no parent in the tree (sigvisor reaps it)
}

TEST(ProcessTableProc, ReadsTasksFromProc) {
  auto self = read_task_from_proc(getpid());
  ASSERT_TRUE(self);
  EXPECT_EQ(self->tgid, getpid());
  EXPECT_EQ(self->ppid, getppid());
  EXPECT_FALSE(comm_view(self->comm).empty());
  EXPECT_FALSE(read_task_from_proc(4194305));
}

}  // namespace
}  // namespace sigvisor
