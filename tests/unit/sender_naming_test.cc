// Naming a traced sender (engine/notify/ktrace/sender_naming.h): the trace line's thread group and
// name come from lazily filled kernel caches, so a sender that still runs is named by
// the process table or /proc, and only a sender that is gone keeps the trace's values.
#include "engine/notify/ktrace/sender_naming.h"

#include <gtest/gtest.h>

#include <csignal>
#include <map>

namespace sigvisor::test {
namespace {

TraceSend send_from(pid_t tid, pid_t tgid, const char* comm) {
  TraceSend s;
  s.sender_tid = tid;
  s.sender_tgid = tgid;
  s.sender_comm = make_comm(comm);
  s.sig = SIGUSR1;
  s.target = 100;
  s.group = true;
  return s;
}

TaskInfo task(pid_t tid, pid_t tgid, const char* comm) {
  return TaskInfo{tid, tgid, 1, make_comm(comm)};
}

// A hand-built /proc that counts its readers.
struct FakeProc {
  std::map<pid_t, TaskInfo> tasks;
  int reads = 0;
  std::function<std::optional<TaskInfo>(pid_t)> reader() {
    return [this](pid_t tid) -> std::optional<TaskInfo> {
      ++reads;
      auto it = tasks.find(tid);
      if (it == tasks.end()) return std::nullopt;
      return it->second;
    };
  }
};

std::string name(const NamedSender& n) {
  return std::string(comm_view(n.send.sender.comm));
}

// The case seen against ftrace: /bin/kill, forked by a shell, still running after its
// kill(); the caches hold the shell's name for its pid.
TEST(SenderNaming, ALiveOutsideSenderIsReadFromProcNotFromTheCaches) {
  FakeProc proc;
  proc.tasks[4242] = task(4242, 4242, "kill");
  const NamedSender n = name_sender(send_from(4242, 4242, "bash"), std::nullopt, proc.reader());
  EXPECT_EQ(n.send.sender.pid, 4242);
  EXPECT_EQ(n.send.sender.tid, 4242);
  EXPECT_EQ(name(n), "kill");
  EXPECT_TRUE(n.send.comm_known);
  EXPECT_TRUE(n.corrected);
}

// The tgid map still held an earlier task's group for a reused id.
TEST(SenderNaming, AStaleThreadGroupIsReplacedByTheLiveOne) {
  FakeProc proc;
  proc.tasks[26108] = task(26108, 26108, "renamed");
  const NamedSender n =
      name_sender(send_from(26108, 26099, "renamed"), std::nullopt, proc.reader());
  EXPECT_EQ(n.send.sender.pid, 26108);
  EXPECT_EQ(name(n), "renamed");
  EXPECT_TRUE(n.corrected);
}

// Gone: switched out when it exited, so the caches hold its own values.
TEST(SenderNaming, ASenderThatIsGoneKeepsTheTracesValues) {
  FakeProc proc;
  const NamedSender n = name_sender(send_from(4242, 4242, "kill"), std::nullopt, proc.reader());
  EXPECT_EQ(n.send.sender.pid, 4242);
  EXPECT_EQ(name(n), "kill");
  EXPECT_TRUE(n.send.comm_known);
  EXPECT_FALSE(n.corrected);
}

TEST(SenderNaming, AGoneSenderTheKernelDidNotNameStaysUnnamed) {
  FakeProc proc;
  const NamedSender n = name_sender(send_from(4242, 0, ""), std::nullopt, proc.reader());
  EXPECT_EQ(n.send.sender.pid, 0);
  EXPECT_FALSE(n.send.comm_known);
}

// The common case inside the tree costs no /proc read: table and trace agree.
TEST(SenderNaming, ATreeSenderTheTableAndTraceAgreeOnNeedsNoProcRead) {
  FakeProc proc;
  const NamedSender n =
      name_sender(send_from(12, 12, "worker"), task(12, 10, "worker"), proc.reader());
  EXPECT_EQ(n.send.sender.pid, 10);  // a thread of 10, whatever the tgid map said
  EXPECT_EQ(n.send.sender.tid, 12);
  EXPECT_EQ(name(n), "worker");
  EXPECT_EQ(proc.reads, 0);
  EXPECT_TRUE(n.corrected);
}

// They disagree: /proc decides (the cache is behind after an exec, or the table after a
// write to /proc/TID/comm it could not see).
TEST(SenderNaming, WhenTheTableAndTraceDisagreeOnANameProcDecides) {
  FakeProc proc;
  proc.tasks[12] = task(12, 10, "set-by-proc");
  NamedSender n =
      name_sender(send_from(12, 10, "old-name"), task(12, 10, "table-name"), proc.reader());
  EXPECT_EQ(name(n), "set-by-proc");
  EXPECT_EQ(proc.reads, 1);
  // Gone from /proc (or another task's now): the table's name.
  proc.tasks[12] = task(12, 99, "someone-else");
  n = name_sender(send_from(12, 10, "old-name"), task(12, 10, "table-name"), proc.reader());
  EXPECT_EQ(name(n), "table-name");
  EXPECT_EQ(n.send.sender.pid, 10);
}

TEST(SenderNaming, AnUnnamedTreeSenderTakesTheTablesName) {
  FakeProc proc;
  const NamedSender n = name_sender(send_from(12, 0, ""), task(12, 10, "worker"), proc.reader());
  EXPECT_EQ(n.send.sender.pid, 10);
  EXPECT_EQ(name(n), "worker");
  EXPECT_TRUE(n.send.comm_known);
  EXPECT_FALSE(n.corrected);  // nothing the trace said was wrong, it said nothing
}

TEST(SenderNaming, TheCodeIsTheTraces) {
  FakeProc proc;
  TraceSend s = send_from(4242, 4242, "kill");
  s.code = -1;  // SI_QUEUE
  EXPECT_EQ(name_sender(s, std::nullopt, proc.reader()).send.code, -1);
}

}  // namespace
}  // namespace sigvisor::test
