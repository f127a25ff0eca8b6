// The scope rules on a hand-built tree and a hand-built /proc: no process table, no
// kernel. Each case names the call, the caller and the scope it must resolve to.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <cerrno>
#include <cstdint>

#include <map>
#include <set>
#include <utility>

#include "tasks/scope_rules.h"

namespace sigvisor {
namespace {

constexpr pid_t kSupervisor = 500;
constexpr pid_t kSupervisorPgid = 499;

// root(1000) ── a(1001) ── a_child(1003)
//          └── b(1002)          a has a thread 1011
class FakeTasks final : public TaskView {
 public:
  FakeTasks() {
    for (const TaskInfo& t :
         {TaskInfo{1000, 1000, 0, make_comm("root")}, TaskInfo{1001, 1001, 1000, make_comm("a")},
          TaskInfo{1011, 1001, 1000, make_comm("a-worker")},
          TaskInfo{1002, 1002, 1000, make_comm("b")},
          TaskInfo{1003, 1003, 1001, make_comm("a_child")}}) {
      tasks[t.tid] = t;
    }
  }
  std::optional<TaskInfo> task(pid_t tid) const override {
    auto it = tasks.find(tid);
    if (it == tasks.end()) return std::nullopt;
    return it->second;
  }
  std::optional<TaskInfo> zombie(pid_t tgid) const override {
    auto it = zombies.find(tgid);
    if (it == zombies.end()) return std::nullopt;
    return it->second;
  }
  bool is_descendant(pid_t tgid, pid_t ancestor) const override {
    for (int depth = 0; depth < 64; ++depth) {
      auto t = task(tgid);
      if (!t || t->ppid == 0) return false;
      if (t->ppid == ancestor) return true;
      tgid = t->ppid;
    }
    return false;
  }
  std::map<pid_t, TaskInfo> tasks;
  std::map<pid_t, TaskInfo> zombies;
};

// /proc as the rules may see it: names of processes outside the tree.
class FakeProc final : public ProcView {
 public:
  std::optional<Comm> comm(pid_t pid) const override {
    auto it = comms.find(pid);
    if (it == comms.end()) return std::nullopt;
    return make_comm(it->second);
  }
  std::optional<ProcStat> stat(pid_t pid) const override {
    auto it = stats.find(pid);
    if (it == stats.end()) return std::nullopt;
    return it->second;
  }
  bool is_thread_of(pid_t pid, pid_t tid) const override {
    if (tree_threads.count({pid, tid}) != 0) return true;
    return pid == kSupervisor && (tid == kSupervisor || tid == 501 || tid == 502);
  }
  std::optional<std::vector<GroupMember>> group_members(pid_t pgid) const override {
    if (scan_fails) return std::nullopt;
    auto it = groups.find(pgid);
    if (it == groups.end()) return std::vector<GroupMember>{};
    return it->second;
  }
  std::map<pid_t, std::string> comms{{1, "init"}, {kSupervisor, "sigvisor"}, {7000, "canary"}};
  std::map<pid_t, ProcStat> stats;
  std::map<pid_t, std::vector<GroupMember>> groups;
  // The tree's non-leader threads as the kernel knows them now: a 1011 that exec'd is gone.
  std::set<std::pair<pid_t, pid_t>> tree_threads{{1001, 1011}};
  bool scan_fails = false;
};

ProcStat proc_stat(const char* comm, char state, pid_t ppid, pid_t pgrp) {
  ProcStat s;
  s.comm = make_comm(comm);
  s.state = state;
  s.ppid = ppid;
  s.pgrp = pgrp;
  return s;
}

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
  bool exists;
  const char* comm;  // nullptr: not checked
  pid_t fd_pid = -1;
};

class ScopeRules : public ::testing::Test {
 protected:
  Target resolve(const Case& c) {
    TaskInfo caller = *tasks.task(c.caller_tid);
    return resolve_target(c.call, caller, c.fd_pid, tasks, kernel, outside);
  }
  void check(const Case& c) {
    SCOPED_TRACE(c.what);
    Target got = resolve(c);
    EXPECT_EQ(scope_name(got.scope), scope_name(c.scope));
    EXPECT_EQ(got.exists, c.exists);
    if (c.comm != nullptr) EXPECT_EQ(comm_view(got.comm), c.comm);
  }
  FakeTasks tasks;
  FakeProc kernel;
  Outside outside{kSupervisor, kSupervisorPgid};
};

TEST_F(ScopeRules, ProcessesThreadsAndOutsiders) {
  const Case cases[] = {
      {"kill self", call(Sys::kill, {1001, 15}), 1001, Scope::self, true, "a"},
      {"kill a thread id of self", call(Sys::kill, {1011, 15}), 1001, Scope::self, true,
       "a-worker"},
      {"kill child", call(Sys::kill, {1003, 15}), 1001, Scope::child, true, "a_child"},
      {"kill grandchild", call(Sys::kill, {1003, 15}), 1000, Scope::child, true, nullptr},
      {"kill sibling", call(Sys::kill, {1002, 15}), 1001, Scope::sandbox, true, "b"},
      {"kill parent", call(Sys::kill, {1000, 15}), 1001, Scope::sandbox, true, "root"},
      {"kill supervisor", call(Sys::kill, {kSupervisor, 9}), 1001, Scope::supervisor, true,
       "sigvisor"},
      {"kill init", call(Sys::kill, {1, 9}), 1001, Scope::init, true, "init"},
      {"kill outsider", call(Sys::kill, {7000, 9}), 1001, Scope::outside, true, "canary"},
      {"kill missing", call(Sys::kill, {7001, 9}), 1001, Scope::outside, false, ""},
      {"kill all", call(Sys::kill, {-1, 9}), 1001, Scope::all, false, ""},
      {"tgkill own thread", call(Sys::tgkill, {1001, 1011, 10}), 1001, Scope::thread, true,
       "a-worker"},
      {"tgkill self", call(Sys::tgkill, {1001, 1001, 10}), 1001, Scope::self, true, "a"},
      {"tgkill thread of another group", call(Sys::tgkill, {1002, 1011, 10}), 1001, Scope::outside,
       false, nullptr},
      {"tkill thread of another process", call(Sys::tkill, {1011, 10}), 1002, Scope::sandbox, true,
       "a-worker"},
      {"tkill outsider", call(Sys::tkill, {7000, 10}), 1002, Scope::outside, true, "canary"},
      {"rt_sigqueueinfo child", call(Sys::rt_sigqueueinfo, {1003, 10, 0}), 1001, Scope::child, true,
       nullptr},
      {"rt_tgsigqueueinfo thread", call(Sys::rt_tgsigqueueinfo, {1001, 1011, 10, 0}), 1001,
       Scope::thread, true, nullptr},
      {"pidfd of a child", call(Sys::pidfd_send_signal, {3, 15, 0, 0}), 1001, Scope::child, true,
       nullptr, 1003},
      {"pidfd naming nothing known", call(Sys::pidfd_send_signal, {3, 15, 0, 0}), 1001,
       Scope::outside, false, nullptr, -1},
      {"pidfd_open of a sibling", call(Sys::pidfd_open, {1002, 0}), 1001, Scope::sandbox, true,
       nullptr},
  };
  for (const auto& c : cases) check(c);
}

// Thread 1011 called execve: the kernel freed its id at once, and the table has not heard
// yet. An id named without its group (kill, tkill, an F_OWNER_TID owner) is then whatever
// the kernel says it is now: here an outside process that took the id. tgkill names the
// group, which the kernel checks itself: the table's answer stands there.
TEST_F(ScopeRules, AThreadIdFreedByExecIsNotTrusted) {
  kernel.tree_threads.clear();
  kernel.comms[1011] = "victim";
  const Case cases[] = {
      {"kill the freed id", call(Sys::kill, {1011, 9}), 1002, Scope::outside, true, "victim"},
      {"kill it from its own process", call(Sys::kill, {1011, 9}), 1001, Scope::outside, true,
       "victim"},
      {"tkill the freed id", call(Sys::tkill, {1011, 9}), 1002, Scope::outside, true, "victim"},
      {"rt_sigqueueinfo to it", call(Sys::rt_sigqueueinfo, {1011, 10, 0}), 1000, Scope::outside,
       true, "victim"},
      {"tgkill with its group", call(Sys::tgkill, {1001, 1011, 10}), 1001, Scope::thread, true,
       "a-worker"},
      {"the leader stays trusted", call(Sys::kill, {1001, 15}), 1002, Scope::sandbox, true, "a"},
  };
  for (const auto& c : cases) check(c);
  kernel.comms.erase(1011);
  check({"freed and not reused", call(Sys::kill, {1011, 9}), 1002, Scope::outside, false, ""});
}

// Every thread of sigvisor (500, with threads 501 and 502) is the supervisor.
TEST_F(ScopeRules, EveryThreadOfTheSupervisor) {
  const Case cases[] = {
      {"kill a thread id", call(Sys::kill, {501, 9}), 1001, Scope::supervisor, true, "sigvisor"},
      {"tkill a thread", call(Sys::tkill, {502, 9}), 1001, Scope::supervisor, true, nullptr},
      {"tgkill a thread", call(Sys::tgkill, {kSupervisor, 501, 9}), 1001, Scope::supervisor, true,
       nullptr},
      {"rt_sigqueueinfo a thread", call(Sys::rt_sigqueueinfo, {502, 10, 0}), 1001,
       Scope::supervisor, true, nullptr},
      {"pidfd of a thread", call(Sys::pidfd_send_signal, {3, 9, 0, 0}), 1001, Scope::supervisor,
       true, nullptr, 501},
      {"not one of its threads", call(Sys::tkill, {503, 9}), 1001, Scope::outside, false, nullptr},
      {"tgkill of its thread in another group", call(Sys::tgkill, {7000, 501, 9}), 1001,
       Scope::outside, false, nullptr},
  };
  for (const auto& c : cases) check(c);
}

// With a pty relay, the session keeper (pty_session.h) is sigvisor's: killing it would
// orphan the program's group. Without one, the same pid is just an outsider.
TEST_F(ScopeRules, TheSessionKeeperIsTheSupervisor) {
  constexpr pid_t kKeeper = 600;
  kernel.groups[kKeeper] = {{kKeeper, 'S'}};
  kernel.groups[1003] = {{1003, 'S'}, {kKeeper, 'S'}};
  const Case without[] = {
      {"kill it", call(Sys::kill, {kKeeper, 9}), 1001, Scope::outside, false, nullptr},
      {"its group", call(Sys::kill, {-kKeeper, 9}), 1001, Scope::outside, true, nullptr},
  };
  for (const auto& c : without) check(c);
  outside.session_keeper = kKeeper;
  const Case with[] = {
      {"kill it", call(Sys::kill, {kKeeper, 9}), 1001, Scope::supervisor, true, nullptr},
      {"tkill it", call(Sys::tkill, {kKeeper, 9}), 1001, Scope::supervisor, true, nullptr},
      {"its group", call(Sys::kill, {-kKeeper, 9}), 1001, Scope::supervisor, false, nullptr},
      {"a group it joined", call(Sys::kill, {-1003, 9}), 1001, Scope::supervisor, true, nullptr},
      {"someone else", call(Sys::kill, {601, 9}), 1001, Scope::outside, false, nullptr},
  };
  for (const auto& c : with) check(c);
}

// A group is inside only if every live member is a tree process; sigvisor's group or a
// group holding sigvisor is the supervisor; any outsider makes it outside.
TEST_F(ScopeRules, Groups) {
  const GroupMember root{1000, 'S'}, a{1001, 'S'}, b{1002, 'S'}, a_child{1003, 'R'};
  kernel.stats[1001] = proc_stat("a", 'S', 1000, 1000);  // a is in the root's group
  kernel.stats[1002] = proc_stat("b", 'S', 1000, 7000);  // b joined the canary's group
  kernel.stats[1003] = proc_stat("a_child", 'S', 1001, 1003);
  kernel.groups[1000] = {root, a, a_child};
  kernel.groups[7000] = {{7000, 'S'}, b};               // the canary's group
  kernel.groups[1003] = {a_child, {kSupervisor, 'S'}};  // sigvisor joined it
  kernel.groups[1002] = {b, {7001, 'Z'}};               // an outside zombie: dead
  kernel.groups[1011] = {{1011, 'S'}};                  // a thread id is no process
  kernel.groups[7002] = {{7002, 'Z'}};                  // only a zombie
  const Case cases[] = {
      {"own group, all inside", call(Sys::kill, {0, 10}), 1001, Scope::group, true, nullptr},
      {"a tree group by id", call(Sys::kill, {-1000, 10}), 1002, Scope::group, true, nullptr},
      {"own group holds an outsider", call(Sys::kill, {0, 10}), 1002, Scope::outside, true,
       nullptr},
      {"the outsider's group by id", call(Sys::kill, {-7000, 10}), 1001, Scope::outside, true,
       nullptr},
      {"own group holds sigvisor", call(Sys::kill, {0, 10}), 1003, Scope::supervisor, true,
       nullptr},
      {"sigvisor's group", call(Sys::kill, {-kSupervisorPgid, 10}), 1001, Scope::supervisor, false,
       nullptr},
      {"an outside zombie hurts nobody", call(Sys::kill, {-1002, 10}), 1001, Scope::group, true,
       nullptr},
      {"only a zombie", call(Sys::kill, {-7002, 10}), 1001, Scope::group, true, nullptr},
      {"a member that is no process of the table", call(Sys::kill, {-1011, 10}), 1001,
       Scope::outside, true, nullptr},
      {"empty group", call(Sys::kill, {-7003, 10}), 1001, Scope::outside, false, nullptr},
      {"caller's group unreadable", call(Sys::kill, {0, 10}), 1000, Scope::outside, false, nullptr},
      {"F_SETOWN to a tree group", call(Sys::fcntl, {3, F_SETOWN, -1000}), 1001, Scope::group, true,
       nullptr},
      {"F_SETOWN to a mixed group", call(Sys::fcntl, {3, F_SETOWN, -7000}), 1001, Scope::outside,
       true, nullptr},
  };
  for (const auto& c : cases) check(c);
  kernel.scan_fails = true;
  check({"scan failed: doubt", call(Sys::kill, {-1000, 10}), 1001, Scope::outside, false, nullptr});
}

TEST_F(ScopeRules, IndirectOwners) {
  CallData setown = call(Sys::fcntl, {3, F_SETOWN, 1003});
  const Case cases[] = {
      {"F_SETOWN child", setown, 1001, Scope::child, true, nullptr},
      {"F_SETOWN nobody", call(Sys::fcntl, {3, F_SETOWN, 0}), 1001, Scope::self, true, nullptr},
      {"F_SETOWN init's group", call(Sys::fcntl, {3, F_SETOWN, -1}), 1001, Scope::init, true,
       nullptr},
      {"F_SETOWN outsider", call(Sys::fcntl, {3, F_SETOWN, 7000}), 1001, Scope::outside, true,
       nullptr},
  };
  for (const auto& c : cases) check(c);
}

// A task is the tree's until reaped: exited processes the table remembers stay children
// of their parent while /proc shows them zombies of that live parent; anything else
// (reaped, reused, reparented, parent gone) falls back to the outside rules.
TEST_F(ScopeRules, ZombiesUntilReaped) {
  tasks.zombies[1004] = {1004, 1004, 1001, make_comm("zombie")};  // a's, not reaped
  kernel.stats[1004] = proc_stat("zombie", 'Z', 1001, 1000);
  tasks.zombies[1005] = {1005, 1005, 1001, make_comm("reaped")};  // a's, reaped
  tasks.zombies[1006] = {1006, 1006, 1001, make_comm("reused")};  // reaped, pid reused
  kernel.stats[1006] = proc_stat("outsider", 'S', 1, 1);
  kernel.comms[1006] = "outsider";
  tasks.zombies[1007] = {1007, 1007, 1001, make_comm("moved")};  // reparented to init
  kernel.stats[1007] = proc_stat("moved", 'Z', 1, 1000);
  tasks.zombies[1008] = {1008, 1008, 1009, make_comm("orphan")};  // its parent exited
  kernel.stats[1008] = proc_stat("orphan", 'Z', 1009, 1000);
  const Case cases[] = {
      {"parent kills its zombie", call(Sys::kill, {1004, 15}), 1001, Scope::child, true, "zombie"},
      {"grandparent", call(Sys::kill, {1004, 15}), 1000, Scope::child, true, nullptr},
      {"sibling of the parent", call(Sys::kill, {1004, 15}), 1002, Scope::sandbox, true, nullptr},
      {"parent's thread", call(Sys::kill, {1004, 15}), 1011, Scope::child, true, nullptr},
      {"tkill of the zombie leader", call(Sys::tkill, {1004, 15}), 1001, Scope::child, true,
       nullptr},
      {"tgkill of the zombie leader", call(Sys::tgkill, {1004, 1004, 15}), 1001, Scope::child, true,
       nullptr},
      {"rt_sigqueueinfo", call(Sys::rt_sigqueueinfo, {1004, 10, 0}), 1001, Scope::child, true,
       nullptr},
      {"pidfd of a zombie", call(Sys::pidfd_send_signal, {3, 15, 0, 0}), 1001, Scope::child, true,
       nullptr, 1004},
      {"reaped", call(Sys::kill, {1005, 15}), 1001, Scope::outside, false, nullptr},
      {"reaped and reused outside", call(Sys::kill, {1006, 15}), 1001, Scope::outside, true,
       "outsider"},
      {"reparented", call(Sys::kill, {1007, 15}), 1001, Scope::outside, false, nullptr},
      {"parent gone", call(Sys::kill, {1008, 15}), 1001, Scope::outside, false, nullptr},
  };
  for (const auto& c : cases) check(c);
}

// Calls the kernel rejects on their arguments: `invalid` (errnos measured natively, see
// invalid_calls.h); own_errno only where an fd could be swapped before the kernel looks.
TEST_F(ScopeRules, InvalidArguments) {
  struct InvalidCase {
    const char* what;
    CallData call;
    pid_t fd_pid;
    Scope scope;
    int own_errno;
  };
  const int64_t int_min = INT32_MIN;
  const InvalidCase cases[] = {
      {"tkill(-1)", call(Sys::tkill, {-1, 10}), -1, Scope::invalid, 0},
      {"tkill(0)", call(Sys::tkill, {0, 10}), -1, Scope::invalid, 0},
      {"tgkill(-1, -1)", call(Sys::tgkill, {-1, -1, 10}), -1, Scope::invalid, 0},
      {"tgkill(0, tid)", call(Sys::tgkill, {0, 1011, 10}), -1, Scope::invalid, 0},
      {"tgkill(tgid, 0)", call(Sys::tgkill, {1001, 0, 10}), -1, Scope::invalid, 0},
      {"rt_tgsigqueueinfo(-1, -1)", call(Sys::rt_tgsigqueueinfo, {-1, -1, 10, 0}), -1,
       Scope::invalid, 0},
      {"rt_sigqueueinfo(-1)", call(Sys::rt_sigqueueinfo, {-1, 10, 0}), -1, Scope::invalid, 0},
      {"rt_sigqueueinfo(0)", call(Sys::rt_sigqueueinfo, {0, 10, 0}), -1, Scope::invalid, 0},
      {"rt_sigqueueinfo(-pgid) is no group", call(Sys::rt_sigqueueinfo, {-1000, 10, 0}), -1,
       Scope::invalid, 0},
      {"kill(INT_MIN)", call(Sys::kill, {int_min, 10}), -1, Scope::invalid, 0},
      {"kill signal 65", call(Sys::kill, {1003, 65}), -1, Scope::invalid, 0},
      {"kill signal -1", call(Sys::kill, {1003, -1}), -1, Scope::invalid, 0},
      {"kill(-1) signal 65 sends nothing", call(Sys::kill, {-1, 65}), -1, Scope::invalid, 0},
      {"tgkill signal 99", call(Sys::tgkill, {1001, 1011, 99}), -1, Scope::invalid, 0},
      {"signal in the high bits", call(Sys::kill, {1003, 0x100000000LL + 10}), -1, Scope::child, 0},
      {"pidfd on a non-pidfd", call(Sys::pidfd_send_signal, {0, 10, 0, 0}), kNotAPidfd,
       Scope::invalid, EBADF},
      {"pidfd -1", call(Sys::pidfd_send_signal, {-1, 10, 0, 0}), -1, Scope::invalid, 0},
      {"pidfd unknown flag", call(Sys::pidfd_send_signal, {3, 10, 0, 8}), 1003, Scope::invalid, 0},
      {"pidfd two scope flags", call(Sys::pidfd_send_signal, {3, 10, 0, 3}), 1003, Scope::invalid,
       0},
      {"pidfd bad flags before a bad fd", call(Sys::pidfd_send_signal, {0, 10, 0, 8}), kNotAPidfd,
       Scope::invalid, 0},
      {"pidfd signal 65", call(Sys::pidfd_send_signal, {3, 65, 0, 0}), 1003, Scope::invalid, 0},
      {"pidfd one scope flag", call(Sys::pidfd_send_signal, {3, 10, 0, 4}), 1003, Scope::child, 0},
      {"PIDFD_SELF_THREAD", call(Sys::pidfd_send_signal, {-10000, 10, 0, 0}), -1, Scope::self, 0},
      {"PIDFD_SELF_THREAD_GROUP", call(Sys::pidfd_send_signal, {-10001, 10, 0, 0}), -1, Scope::self,
       0},
      {"pidfd_open(-1)", call(Sys::pidfd_open, {-1, 0}), -1, Scope::invalid, 0},
      {"pidfd_open(0)", call(Sys::pidfd_open, {0, 0}), -1, Scope::invalid, 0},
      {"pidfd_open bad flags", call(Sys::pidfd_open, {1003, 1}), -1, Scope::invalid, 0},
      {"pidfd_open(child)", call(Sys::pidfd_open, {1003, 0}), -1, Scope::child, 0},
      {"kill(-1) still broadcasts", call(Sys::kill, {-1, 10}), -1, Scope::all, 0},
      {"kill signal 64", call(Sys::kill, {1003, 64}), -1, Scope::child, 0},
      {"kill signal 0", call(Sys::kill, {1003, 0}), -1, Scope::child, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    TaskInfo caller = *tasks.task(1001);
    Target got = resolve_target(c.call, caller, c.fd_pid, tasks, kernel,
                                Outside{kSupervisor, kSupervisorPgid});
    EXPECT_EQ(scope_name(got.scope), scope_name(c.scope));
    EXPECT_EQ(got.own_errno, c.own_errno);
    if (got.scope == Scope::invalid) EXPECT_FALSE(got.exists);
  }
}

}  // namespace
}  // namespace sigvisor

namespace sigvisor {
namespace {

// setpgid (the pgrp family): the group joined, resolved like kill(-pgid), except that a
// group named by the mover's own pid is its own (no scan), and that pid 0 moves the
// caller and pgid 0 means the mover's pid.
TEST_F(ScopeRules, SetpgidJoinsAGroup) {
  kernel.groups[1002] = {{1002, 'S'}};               // b's group: inside
  kernel.groups[7000] = {{7000, 'S'}, {1003, 'S'}};  // the canary's, with a_child in it
  kernel.groups[kSupervisorPgid] = {{kSupervisor, 'S'}};
  kernel.groups[1] = {{1, 'S'}};
  struct JoinCase {
    const char* what;
    int64_t pid, pgid;
    Scope scope;
    int64_t target_pid;
  };
  const JoinCase cases[] = {
      {"a new group of its own: setpgid(0, own pid)", 0, 1001, Scope::group, -1001},
      {"a child's own group: setpgid(child, child)", 1003, 1003, Scope::group, -1003},
      {"pgid 0 is the mover's pid", 1003, 0, Scope::group, -1003},
      {"into a sibling's group of the tree", 0, 1002, Scope::group, -1002},
      {"into a group with an outside member", 0, 7000, Scope::outside, -7000},
      {"into sigvisor's group", 0, kSupervisorPgid, Scope::supervisor, -kSupervisorPgid},
      {"into init's group", 0, 1, Scope::outside, -1},
      {"into a group nobody is in (EPERM)", 0, 4242, Scope::outside, -4242},
      {"negative pgid (EINVAL)", 0, -5, Scope::invalid, 5},
      {"negative pid (EINVAL)", -1, 1002, Scope::invalid, -1002},
      {"high bits ignored: pgid 0", 0, int64_t{1} << 32, Scope::group, -1001},
  };
  for (const JoinCase& c : cases) {
    SCOPED_TRACE(c.what);
    TaskInfo caller = *tasks.task(1001);
    Target got = resolve_target(call(Sys::setpgid, {c.pid, c.pgid}), caller, -1, tasks, kernel,
                                Outside{kSupervisor, kSupervisorPgid});
    EXPECT_EQ(scope_name(got.scope), scope_name(c.scope));
    EXPECT_EQ(got.pid, c.target_pid);
  }
}

TEST_F(ScopeRules, SetpgidScanFailureIsOutside) {
  kernel.scan_fails = true;
  TaskInfo caller = *tasks.task(1001);
  Target got = resolve_target(call(Sys::setpgid, {0, 1002}), caller, -1, tasks, kernel,
                              Outside{kSupervisor, kSupervisorPgid});
  EXPECT_EQ(scope_name(got.scope), "outside");
  // Its own new group needs no scan.
  got = resolve_target(call(Sys::setpgid, {0, 0}), caller, -1, tasks, kernel,
                       Outside{kSupervisor, kSupervisorPgid});
  EXPECT_EQ(scope_name(got.scope), "group");
}

}  // namespace
}  // namespace sigvisor
