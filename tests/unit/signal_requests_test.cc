// Signals to sigvisor as requests (run/signal_requests.h): shapes, timeout(1)'s two
// copies as one request in either order, the same signal again as a new request, and the
// force of the third ^C from a terminal.
#include "run/signal_requests.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sigvisor {
namespace {

using Kind = RequestAction::Kind;

ReceivedSignal copy(int sig, pid_t sender, bool to_group, double when, int code = SI_USER) {
  ReceivedSignal s;
  s.sig = sig;
  s.sender = sender;
  s.code = code;
  s.to_group = to_group;
  s.when = when;
  return s;
}

TEST(SignalRequests, EachSignalIsForwardedInItsShape) {
  SignalRequests r;
  RequestAction a = r.on_signal(copy(SIGTERM, 100, /*to_group=*/true, 1.0));
  EXPECT_EQ(a.kind, Kind::forward);
  EXPECT_TRUE(a.to_group);
  a = r.on_signal(copy(SIGINT, 100, /*to_group=*/false, 1.0));
  EXPECT_EQ(a.kind, Kind::forward);
  EXPECT_FALSE(a.to_group);
}

TEST(SignalRequests, TimeoutsPidThenGroupCopyIsOneRequestThatWidens) {
  SignalRequests r;
  RequestAction first = r.on_signal(copy(SIGTERM, 42, false, 10.0));
  ASSERT_EQ(first.kind, Kind::forward);
  EXPECT_FALSE(first.to_group);
  RequestAction second = r.on_signal(copy(SIGTERM, 42, true, 10.001));
  EXPECT_EQ(second.kind, Kind::widen);
  EXPECT_EQ(second.id, first.id);
  // A third copy is a new request (the pair is complete).
  EXPECT_EQ(r.on_signal(copy(SIGTERM, 42, true, 10.002)).kind, Kind::forward);
}

TEST(SignalRequests, GroupThenPidCopyIsOneRequestAlreadyForwarded) {
  SignalRequests r;
  RequestAction first = r.on_signal(copy(SIGTERM, 42, true, 5.0));
  ASSERT_EQ(first.kind, Kind::forward);
  RequestAction second = r.on_signal(copy(SIGTERM, 42, false, 5.5));
  EXPECT_EQ(second.kind, Kind::none);
  EXPECT_EQ(second.id, first.id);
}

TEST(SignalRequests, TheSameShapeAgainIsEscalation) {
  SignalRequests r;
  const RequestAction a = r.on_signal(copy(SIGTERM, 42, true, 1.0));
  const RequestAction b = r.on_signal(copy(SIGTERM, 42, true, 1.0001));
  EXPECT_EQ(a.kind, Kind::forward);
  EXPECT_EQ(b.kind, Kind::forward);
  EXPECT_NE(a.id, b.id);
  // INT then TERM: two requests whatever the shapes.
  SignalRequests fresh;
  EXPECT_EQ(fresh.on_signal(copy(SIGINT, 42, false, 2.0)).kind, Kind::forward);
  EXPECT_EQ(fresh.on_signal(copy(SIGTERM, 42, true, 2.1)).kind, Kind::forward);
}

TEST(SignalRequests, CopiesFromOtherSendersOrTooLateAreNewRequests) {
  SignalRequests r;
  EXPECT_EQ(r.on_signal(copy(SIGTERM, 42, false, 1.0)).kind, Kind::forward);
  EXPECT_EQ(r.on_signal(copy(SIGTERM, 43, true, 1.1)).kind, Kind::forward);  // another sender
  EXPECT_EQ(r.on_signal(copy(SIGHUP, 44, false, 1.0)).kind, Kind::forward);
  const double late = 1.0 + SignalRequests::kMergeSeconds + 0.5;
  EXPECT_EQ(r.on_signal(copy(SIGHUP, 44, true, late)).kind, Kind::forward);
}

TEST(SignalRequests, TheThirdCtrlCWithinTheWindowIsTheForce) {
  SignalRequests r;
  auto ctrl_c = [](double when) { return copy(SIGINT, 0, true, when, SI_KERNEL); };
  EXPECT_EQ(r.on_signal(ctrl_c(1.0)).kind, Kind::forward);
  EXPECT_EQ(r.on_signal(ctrl_c(1.2)).kind, Kind::forward);  // key presses never merge
  EXPECT_EQ(r.on_signal(ctrl_c(1.4)).kind, Kind::force);
}

TEST(SignalRequests, SlowCtrlCsAndKillsAreNoForce) {
  SignalRequests r;
  const double gap = SignalRequests::kForceSeconds / 2 + 0.1;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r.on_signal(copy(SIGINT, 0, true, 1.0 + i * gap, SI_KERNEL)).kind, Kind::forward)
        << i;
  }
  // kill -INT, however often: always the program's to handle.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r.on_signal(copy(SIGINT, 77, true, 100.0 + i * 0.01)).kind, Kind::forward) << i;
  }
  // ^\ is no ^C.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.on_signal(copy(SIGQUIT, 0, true, 200.0, SI_KERNEL)).kind, Kind::forward);
  }
}

TEST(SignalRequests, IdsOfOwnRequestsAreDistinct) {
  SignalRequests r;
  const uint64_t own = r.new_id();
  EXPECT_NE(r.on_signal(copy(SIGTERM, 1, true, 1.0)).id, own);
}

}  // namespace
}  // namespace sigvisor
