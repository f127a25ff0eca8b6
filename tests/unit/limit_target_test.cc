// prlimit64's target (the limit family): resolved like kill's pid, except that pid 0 is the
// caller itself (not its group) and a negative pid names nobody (the kernel says ESRCH).
// Separate from process_table_test.cc, which belongs with the scope rules.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include "tasks/process_table.h"

namespace sigvisor {
namespace {

constexpr pid_t kSupervisor = 500;
constexpr pid_t kSupervisorPgid = 499;

// The kernel's side of the fake pids: a's thread 1011 is alive (the scope rules confirm a
// thread id with the kernel); nothing else is asked of it here.
class FakeProc final : public ProcView {
 public:
  std::optional<Comm> comm(pid_t) const override { return std::nullopt; }
  std::optional<ProcStat> stat(pid_t) const override { return std::nullopt; }
  bool is_thread_of(pid_t pid, pid_t tid) const override { return pid == 1001 && tid == 1011; }
  std::optional<std::vector<GroupMember>> group_members(pid_t) const override {
    return std::vector<GroupMember>{};
  }
};

struct Case {
  const char* what;
  int64_t pid;  // prlimit64's first register (as the tracee passed it)
  pid_t caller_tid;
  Scope scope;
  int64_t target_pid;
};

TEST(LimitTarget, ResolvesLikeKillWithPidZeroAsTheCaller) {
  // root(1000) ── a(1001, thread 1011) ── a_child(1003);  root ── b(1002)
  FakeProc kernel;
  ProcessTable t{Outside{kSupervisor, kSupervisorPgid}, kernel};
  t.add({1000, 1000, 0, make_comm("root")});
  t.add({1001, 1001, 1000, make_comm("a")});
  t.add({1011, 1001, 1000, make_comm("a-worker")});
  t.add({1002, 1002, 1000, make_comm("b")});
  t.add({1003, 1003, 1001, make_comm("a_child")});
  const int64_t missing = 4194305;  // above the kernel's maximum pid
  const Case cases[] = {
      {"pid 0 is the caller, not its group", 0, 1001, Scope::self, 1001},
      {"pid 0 from a thread: its process", 0, 1011, Scope::self, 1001},
      {"own pid given explicitly", 1001, 1001, Scope::self, 1001},
      {"own thread id: the same limits", 1011, 1001, Scope::self, 1011},
      {"high bits ignored: pid 0", int64_t{1} << 32, 1001, Scope::self, 1001},
      {"a child", 1003, 1001, Scope::child, 1003},
      {"a sibling", 1002, 1001, Scope::sandbox, 1002},
      {"the supervisor", kSupervisor, 1001, Scope::supervisor, kSupervisor},
      {"the supervisor's group id is a pid here", kSupervisorPgid, 1001, Scope::outside,
       kSupervisorPgid},
      {"init", 1, 1001, Scope::init, 1},
      {"a pid that does not exist", missing, 1001, Scope::outside, missing},
      {"negative: no group, nobody", -1002, 1001, Scope::outside, -1002},
      {"-1 is not everyone", -1, 1001, Scope::outside, -1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    CallData call;
    call.sys = Sys::prlimit64;
    call.regs = {static_cast<uint64_t>(c.pid), RLIMIT_CPU, 0x7ffd0000, 0};
    auto caller = t.find(c.caller_tid);
    ASSERT_TRUE(caller.has_value());
    Target target = t.resolve(call, *caller, -1);
    EXPECT_EQ(target.scope, c.scope) << scope_name(target.scope);
    EXPECT_EQ(target.pid, c.target_pid);
    EXPECT_EQ(target.tid, 0);
  }
}

}  // namespace
}  // namespace sigvisor
