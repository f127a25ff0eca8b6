// The kernel trace's store of sends: lookups by receiving thread and group, oldest first,
// SIGKILL by group, forgetting a process, and the bound (oldest evicted, takes do not
// leak bookkeeping).
#include "engine/notify/ktrace/send_store.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sigvisor::test {
namespace {

TraceSend send(pid_t sender, pid_t target, int sig, bool group = true, int code = 0,
               int result = 0) {
  TraceSend s;
  s.sender_tid = sender;
  s.sender_tgid = sender;
  s.target = target;
  s.sig = sig;
  s.group = group;
  s.code = code;
  s.result = result;
  return s;
}

TEST(SendStore, TakesTheOldestMatchingSendOnce) {
  SendStore st;
  st.add(send(1, 10, SIGUSR1), 10);
  st.add(send(2, 10, SIGUSR1), 10);
  st.add(send(3, 10, SIGUSR1, true, -1), 10);  // SI_QUEUE: another code
  EXPECT_EQ(st.take_delivery(10, 10, SIGUSR1, -1)->sender_tid, 3);
  EXPECT_EQ(st.take_delivery(10, 10, SIGUSR1, 0)->sender_tid, 1);
  EXPECT_EQ(st.take_delivery(10, 10, SIGUSR1, 0)->sender_tid, 2);
  EXPECT_FALSE(st.take_delivery(10, 10, SIGUSR1, 0));
  EXPECT_FALSE(st.take_delivery(10, 10, SIGUSR2, 0));
  EXPECT_EQ(st.size(), 0u);
}

TEST(SendStore, ResultsThatQueueNothingAreNotKept) {
  SendStore st;
  st.add(send(1, 10, SIGUSR1, true, 0, 1), 10);  // ignored
  st.add(send(1, 10, SIGUSR1, true, 0, 2), 10);  // already pending
  EXPECT_EQ(st.size(), 0u);
  st.add(send(1, 10, SIGUSR1, true, 0, 4), 10);  // queued without its info
  EXPECT_EQ(st.size(), 1u);
}

TEST(SendStore, GroupSendsReachAnyThreadThreadSendsOnlyTheirs) {
  SendStore st;
  st.add(send(1, 10, SIGTERM, false, -6), 10);          // tgkill to thread 10 (the leader)
  st.add(send(2, 10, SIGTERM, true), 10);               // kill(10): any thread may take it
  st.add(send(3, 12, SIGTERM, true), 10);               // kill(12): a group signal aimed at 12
  EXPECT_FALSE(st.take_delivery(11, 10, SIGTERM, -6));  // thread 11 is not thread 10
  EXPECT_EQ(st.take_delivery(11, 10, SIGTERM, 0)->sender_tid, 2);
  EXPECT_EQ(st.take_delivery(11, 10, SIGTERM, 0)->sender_tid, 3);  // by the group scan
  EXPECT_EQ(st.take_delivery(10, 10, SIGTERM, -6)->sender_tid, 1);
}

TEST(SendStore, SigkillIsFoundByGroupAlsoWhenAThreadWasTargeted) {
  SendStore st;
  st.add(send(7, 21, SIGKILL, false, -6), 20);  // tgkill(20, 21, SIGKILL)
  st.add(send(8, 30, SIGKILL), 30);
  EXPECT_EQ(st.take_sigkill(20)->sender_tid, 7);
  EXPECT_FALSE(st.take_sigkill(20));
  EXPECT_EQ(st.take_sigkill(30)->sender_tid, 8);
  EXPECT_FALSE(st.take_sigkill(40));
}

TEST(SendStore, ForgetDropsAProcessAndItsThreads) {
  SendStore st;
  st.add(send(1, 50, SIGUSR1), 50);
  st.add(send(1, 51, SIGUSR2, false), 50);
  st.add(send(1, 60, SIGUSR1), 60);
  st.forget(50);
  EXPECT_EQ(st.size(), 1u);
  EXPECT_FALSE(st.take_delivery(50, 50, SIGUSR1, 0));
  EXPECT_FALSE(st.take_delivery(51, 50, SIGUSR2, 0));
  EXPECT_TRUE(st.take_delivery(60, 60, SIGUSR1, 0));
}

TEST(SendStore, BoundedOldestEvictedFirst) {
  SendStore st(3);
  for (pid_t s = 1; s <= 5; ++s) st.add(send(s, 10, SIGUSR1), 10);
  EXPECT_EQ(st.size(), 3u);
  EXPECT_EQ(st.evicted(), 2u);
  EXPECT_EQ(st.take_delivery(10, 10, SIGUSR1, 0)->sender_tid, 3);
}

TEST(SendStore, EvictionSkipsWhatWasTakenAndStaysBoundedUnderChurn) {
  SendStore st(4);
  st.add(send(1, 10, SIGUSR1), 10);
  st.add(send(2, 11, SIGUSR1), 11);
  ASSERT_TRUE(st.take_delivery(10, 10, SIGUSR1, 0));  // leaves a stale order record
  for (pid_t s = 3; s <= 5; ++s) st.add(send(s, 12, SIGUSR1), 12);
  st.add(send(6, 13, SIGUSR1), 13);  // full: evicts sender 2, not the taken sender 1
  EXPECT_EQ(st.evicted(), 1u);
  EXPECT_FALSE(st.take_delivery(11, 11, SIGUSR1, 0));
  EXPECT_EQ(st.take_delivery(12, 12, SIGUSR1, 0)->sender_tid, 3);
  // A long run of adds and takes keeps the size at the bound and loses nothing recent.
  for (int i = 0; i < 100000; ++i) {
    st.add(send(100 + i % 7, 20, SIGUSR2), 20);
    ASSERT_TRUE(st.take_delivery(20, 20, SIGUSR2, 0));
  }
  EXPECT_LE(st.size(), 4u);
  EXPECT_EQ(st.take_delivery(13, 13, SIGUSR1, 0)->sender_tid, 6);
}

}  // namespace
}  // namespace sigvisor::test
