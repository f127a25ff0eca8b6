// SendMatcher (engine/kernel/send_matcher.h): each delivery takes the send it comes from,
// in the order the kernel dequeues them (the thread's own queue first, oldest first); a
// SIGKILL is kept for the death it causes; a process's sends go with it; the store is bounded.
#include "engine/kernel/send_matcher.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sigvisor {
namespace {

KernelSend send(pid_t from, pid_t to_tid, pid_t to_tgid, int sig, bool group) {
  KernelSend s;
  s.sender = ProcRef{from, from, {}};
  s.target_tid = to_tid;
  s.target_tgid = to_tgid;
  s.sig = sig;
  s.group = group;
  return s;
}

TEST(SendMatcher, TheThreadsOwnSendComesFirstThenTheGroupsOldestFirst) {
  SendMatcher m;
  m.sent(send(1, 20, 20, SIGUSR1, true));
  m.sent(send(2, 20, 20, SIGUSR1, true));
  m.sent(send(3, 21, 20, SIGUSR1, false));  // tgkill to thread 21
  EXPECT_EQ(m.take(21, 20, SIGUSR1)->sender.pid, 3);
  EXPECT_EQ(m.take(21, 20, SIGUSR1)->sender.pid, 1);
  EXPECT_EQ(m.take(20, 20, SIGUSR1)->sender.pid, 2);
  EXPECT_FALSE(m.take(20, 20, SIGUSR1).has_value());
  EXPECT_EQ(m.size(), 0u);
}

TEST(SendMatcher, SignalsAreKeptApart) {
  SendMatcher m;
  m.sent(send(1, 20, 20, SIGUSR1, true));
  EXPECT_FALSE(m.take(20, 20, SIGUSR2).has_value());
  EXPECT_TRUE(m.take(20, 20, SIGUSR1).has_value());
}

TEST(SendMatcher, TheFirstSigkillNamesTheKillerOfTheProcess) {
  SendMatcher m;
  m.sent(send(7, 31, 30, SIGKILL, false));  // tkill SIGKILL to a thread kills the process
  m.sent(send(8, 30, 30, SIGKILL, true));
  EXPECT_EQ(m.take_sigkill(30)->sender.pid, 7);
  EXPECT_FALSE(m.take_sigkill(30).has_value());
}

TEST(SendMatcher, AProcesssSendsGoWithIt) {
  SendMatcher m;
  m.sent(send(1, 20, 20, SIGUSR1, true));
  m.sent(send(1, 21, 20, SIGUSR2, false));
  m.sent(send(1, 30, 30, SIGUSR1, true));
  m.sent(send(1, 20, 20, SIGKILL, true));
  m.forget(20);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_FALSE(m.take(21, 20, SIGUSR2).has_value());
  EXPECT_FALSE(m.take_sigkill(20).has_value());
  EXPECT_TRUE(m.take(30, 30, SIGUSR1).has_value());
}

TEST(SendMatcher, ItIsBounded) {
  SendMatcher m;
  for (int i = 0; i < 1000; ++i) m.sent(send(i, 20, 20, SIGRTMIN, true));
  EXPECT_EQ(m.size(), SendMatcher::kMaxPerKey);
  EXPECT_EQ(m.take(20, 20, SIGRTMIN)->sender.pid, 1000 - static_cast<int>(SendMatcher::kMaxPerKey));
  for (int k = 0; k < 20000; ++k) m.sent(send(1, 100 + k, 100 + k, SIGUSR1, true));
  EXPECT_LE(m.size(), SendMatcher::kMaxSends);
}

}  // namespace
}  // namespace sigvisor
