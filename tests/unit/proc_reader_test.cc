// The /proc parsers on text (names with spaces and parentheses, missing fields,
// garbage), and the readers on this very process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "base/unique_fd.h"
#include "kernel/proc_reader.h"

namespace sigvisor {
namespace {

using namespace std::string_literals;

// A stat line with `name` and the given state, ppid, pgrp and start time.
std::string stat_line(const std::string& name, char state, int ppid, int pgrp,
                      unsigned long long start) {
  return "4242 (" + name + ") " + state + " " + std::to_string(ppid) + " " + std::to_string(pgrp) +
         " 4242 34816 4242 4194560 114 0 0 0 0 0 0 0 20 0 1 0 " + std::to_string(start) +
         " 2379776 224 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 "
         "1 0 0 0 0 0\n";
}

TEST(ProcStat, ParsesNamesThatLookLikeTheFormat) {
  struct Case {
    const char* what;
    std::string name;
  };
  const Case cases[] = {
      {"plain", "sleep"},         {"spaces", "my prog"},
      {"parentheses", "a (b) c"}, {"close paren then fields", ") S 1 1 1"},
      {"only parens", "()"},      {"empty", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto s = parse_stat(stat_line(c.name, 'Z', 77, 88, 123456));
    ASSERT_TRUE(s);
    EXPECT_EQ(comm_view(s->comm), c.name.substr(0, 15));
    EXPECT_EQ(s->state, 'Z');
    EXPECT_EQ(s->ppid, 77);
    EXPECT_EQ(s->pgrp, 88);
    EXPECT_EQ(s->start_ticks, 123456u);
  }
}

TEST(ProcStat, RefusesGarbage) {
  const std::string cases[] = {
      "",
      "4242",
      "4242 (name",
      "4242 name) S 1 2",
      "4242 (name) S 1 2 3",  // cut before the start time
      "4242 (name) S x 2" + std::string(60, ' '),
      "4242 (name)  S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n",  // double blank
      "4242 (name) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n",  // state not a letter
      "4242 (name) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -\n",       // start time
      ") (name S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n",
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c);
    EXPECT_FALSE(parse_stat(c));
  }
}

TEST(ProcStatus, ParsesTheFieldsUsed) {
  const std::string text =
      "Name:\tmy (odd) prog\nUmask:\t0022\nState:\tZ (zombie)\nTgid:\t4242\nNgid:\t0\n"
      "Pid:\t4243\nPPid:\t4000\nTracerPid:\t3999\nUid:\t1000\t0\t0\t0\nGid:\t100\t100\t100\t100\n";
  auto s = parse_status(text);
  ASSERT_TRUE(s);
  EXPECT_EQ(comm_view(s->name), "my (odd) prog");
  EXPECT_EQ(s->state, 'Z');
  EXPECT_EQ(s->tgid, 4242);
  EXPECT_EQ(s->ppid, 4000);  // not the tracer
  ASSERT_TRUE(s->real_uid);
  EXPECT_EQ(*s->real_uid, 1000u);
  ASSERT_TRUE(s->effective_uid);
  EXPECT_EQ(*s->effective_uid, 0u);  // the second of four: a setuid-root program's
  ASSERT_TRUE(s->effective_gid);
  EXPECT_EQ(*s->effective_gid, 100u);
  // A line with one number has no effective id.
  auto one = parse_status("Tgid:\t7\nUid:\t5\n");
  ASSERT_TRUE(one);
  EXPECT_FALSE(one->effective_uid);
}

TEST(ProcStatus, MissingAndBadFields) {
  struct Case {
    const char* what;
    std::string text;
    bool parses;
    pid_t ppid;
    bool has_uid;
  };
  const Case cases[] = {
      {"empty", "", false, 0, false},
      {"no Tgid", "Name:\tx\nPPid:\t1\nUid:\t0\t0\t0\t0\n", false, 0, false},
      {"Tgid 0", "Name:\tx\nTgid:\t0\n", false, 0, false},
      {"Tgid garbage", "Name:\tx\nTgid:\tabc\n", false, 0, false},
      {"only Tgid", "Tgid:\t7\n", true, 0, false},
      {"key inside another key", "NoTgid:\t9\nTgid:\t7\nXPPid:\t5\n", true, 0, false},
      {"Uid garbage", "Tgid:\t7\nPPid:\t3\nUid:\t-\n", true, 3, false},
      {"no final newline", "Tgid:\t7\nPPid:\t3\nUid:\t5", true, 3, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto s = parse_status(c.text);
    ASSERT_EQ(s.has_value(), c.parses);
    if (!s) continue;
    EXPECT_EQ(s->tgid, 7);
    EXPECT_EQ(s->ppid, c.ppid);
    EXPECT_EQ(s->real_uid.has_value(), c.has_uid);
  }
}

TEST(ProcFdinfo, PidLineMeansAPidfd) {
  struct Case {
    const char* what;
    std::string text;
    std::optional<pid_t> pid;
  };
  const Case cases[] = {
      {"pidfd", "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\nPid:\t4242\nNSpid:\t4242\n",
       4242},
      {"exited", "pos:\t0\nflags:\t02000002\nPid:\t-1\n", -1},
      {"regular file", "pos:\t0\nflags:\t0100000\nmnt_id:\t25\nino:\t17\n", std::nullopt},
      {"eventfd", "pos:\t0\nflags:\t02\neventfd-count:\t0\n", std::nullopt},
      {"NSpid only", "pos:\t0\nNSpid:\t12\n", std::nullopt},
      {"empty", "", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(parse_pidfd_fdinfo(c.text), c.pid);
  }
}

TEST(ProcCmdline, SplitsOnNul) {
  EXPECT_EQ(parse_cmdline("sleep\0"
                          "60\0"s),
            (std::vector<std::string>{"sleep", "60"}));
  EXPECT_EQ(parse_cmdline("a\0\0b\0"s), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(parse_cmdline("no-nul"), (std::vector<std::string>{"no-nul"}));
  EXPECT_TRUE(parse_cmdline("").empty());
}

TEST(ProcComm, DropsTheNewlineAndCuts) {
  EXPECT_EQ(comm_view(parse_comm("sleep\n")), "sleep");
  EXPECT_EQ(comm_view(parse_comm("a b)\n")), "a b)");
  EXPECT_EQ(comm_view(parse_comm("0123456789abcdefgh\n")), "0123456789abcde");
  EXPECT_EQ(comm_view(parse_comm("")), "");
}

TEST(ProcReaders, ReadThisProcess) {
  const pid_t self = getpid();
  auto status = read_status(self);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->tgid, self);
  EXPECT_EQ(status->ppid, getppid());
  EXPECT_EQ(status->real_uid, getuid());
  auto stat = read_stat(self);
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->ppid, getppid());
  EXPECT_EQ(stat->pgrp, getpgrp());
  ASSERT_TRUE(read_stat(self, self));  // the leader's task directory
  ASSERT_TRUE(read_comm(self));
  EXPECT_EQ(comm_view(*read_comm(self)), comm_view(stat->comm));
  EXPECT_FALSE(read_exe(self).empty());
  EXPECT_FALSE(read_cmdline(self).empty());
  EXPECT_TRUE(is_thread_of(self, static_cast<pid_t>(syscall(SYS_gettid))));
  EXPECT_FALSE(is_thread_of(self, getppid()));
  auto procs = list_processes();
  ASSERT_TRUE(procs);
  EXPECT_NE(std::find(procs->begin(), procs->end(), self), procs->end());

  const pid_t missing = 4194305;  // above the kernel's pid maximum
  EXPECT_FALSE(read_status(missing));
  EXPECT_FALSE(read_stat(missing));
  EXPECT_FALSE(read_comm(missing));
  EXPECT_EQ(read_exe(missing), "");
  EXPECT_FALSE(is_thread_of(missing, missing));
}

TEST(ProcReaders, StartTimeDecidesWhetherANameCounts) {
  const pid_t self = getpid();
  EXPECT_TRUE(read_comm_if_started_before(self, boottime_now()));
  EXPECT_FALSE(read_comm_if_started_before(self, 0.0));  // "stopped" before we started
  EXPECT_FALSE(read_comm_if_started_before(4194305, boottime_now()));
}

TEST(ProcReaders, FdTargets) {
  const pid_t self = getpid();
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, self, 0)));
  ASSERT_TRUE(pidfd.valid());
  FdTarget t = read_fd_target(self, pidfd.get());
  EXPECT_EQ(t.kind, FdKind::pidfd);
  EXPECT_EQ(t.pid, self);
  EXPECT_EQ(read_fd_target(self, -1).kind, FdKind::no_such_fd);
  UniqueFd file(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
  EXPECT_EQ(read_fd_target(self, file.get()).kind, FdKind::not_pidfd);
  const int closed = file.get();
  file.reset();
  EXPECT_EQ(read_fd_target(self, closed).kind, FdKind::no_such_fd);
  EXPECT_EQ(read_fd_target(4194305, 0).kind, FdKind::unknown);  // no such task
}

}  // namespace
}  // namespace sigvisor
