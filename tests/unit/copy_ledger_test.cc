// One copy of a request per process (run/copy_ledger.h): sigvisor's forwarded copy and
// the sender's own direct copy (systemd's KillMode=control-group) pair up whichever comes
// first; requests of their own (escalation) do not.
#include "run/copy_ledger.h"

#include <gtest/gtest.h>

#include <csignal>

namespace sigvisor {
namespace {

constexpr pid_t kSender = 1;  // systemd
constexpr pid_t kRunner = 1000;
constexpr pid_t kWorker = 1001;
constexpr bool kForwarded = true;
constexpr bool kDirect = false;

TEST(CopyLedger, ForwardedCopyThenTheSendersOwn) {
  CopyLedger l;
  l.forwarded(1, SIGTERM, kSender, 10.0);
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 10.01));
  EXPECT_FALSE(l.first_copy(kRunner, SIGTERM, kDirect, kSender, 10.02)) << "a duplicate";
  EXPECT_TRUE(l.reached(1, kRunner));
  EXPECT_FALSE(l.reached(1, kWorker));
}

TEST(CopyLedger, TheSendersOwnCopyBeforeSigvisorReadItsCopy) {
  CopyLedger l;
  // The worker got systemd's copy before sigvisor had read its own.
  EXPECT_TRUE(l.first_copy(kWorker, SIGTERM, kDirect, kSender, 10.0));
  l.forwarded(1, SIGTERM, kSender, 10.001);
  EXPECT_TRUE(l.reached(1, kWorker));
  EXPECT_FALSE(l.first_copy(kWorker, SIGTERM, kForwarded, 0, 10.002)) << "a duplicate";
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 10.003));
}

TEST(CopyLedger, EscalationIsANewRequestForEveryProcess) {
  CopyLedger l;
  l.forwarded(1, SIGINT, kSender, 1.0);
  EXPECT_TRUE(l.first_copy(kRunner, SIGINT, kForwarded, 0, 1.0));
  l.forwarded(2, SIGTERM, kSender, 1.5);
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 1.5));
  l.forwarded(3, SIGTERM, kSender, 2.0);  // the same one again
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 2.0));
}

TEST(CopyLedger, AWidenedRequestReachesEachProcessOnce) {
  CopyLedger l;
  l.forwarded(7, SIGTERM, 42, 1.0);  // timeout(1)'s pid copy: the runner
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 1.0));
  l.forwarded(7, SIGTERM, 42, 1.001);  // its group copy: the same request, to the group
  EXPECT_FALSE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 1.002));
  EXPECT_TRUE(l.first_copy(kWorker, SIGTERM, kForwarded, 0, 1.002));
}

TEST(CopyLedger, CopiesNotPairedAreDelivered) {
  CopyLedger l;
  // No request at all: an outside sender's signal is its own business.
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kDirect, 77, 1.0));
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kDirect, 77, 1.1));
  // Another sender's request does not pair with this sender's copies.
  l.forwarded(1, SIGTERM, 55, 5.0);
  EXPECT_TRUE(l.first_copy(kWorker, SIGTERM, kForwarded, 0, 5.0));
  EXPECT_TRUE(l.first_copy(kWorker, SIGTERM, kDirect, 77, 5.0));
  // The same sender long after its request: a new act.
  EXPECT_TRUE(l.first_copy(kWorker, SIGTERM, kDirect, 55, 5.0 + CopyLedger::kPairSeconds + 1));
  // An early copy too old to join.
  EXPECT_TRUE(l.first_copy(kRunner, SIGHUP, kDirect, 9, 20.0));
  l.forwarded(2, SIGHUP, 9, 20.0 + CopyLedger::kPairSeconds + 1);
  EXPECT_FALSE(l.reached(2, kRunner));
}

TEST(CopyLedger, BoundedWhateverTheFlood) {
  CopyLedger l;
  for (int i = 0; i < 10000; ++i) {
    l.forwarded(static_cast<uint64_t>(i + 1), SIGTERM, i, i * 10.0);
    (void)l.first_copy(kRunner, SIGINT, kDirect, i, i * 10.0);
  }
  // The oldest requests are gone; the newest still pair.
  EXPECT_FALSE(l.reached(1, kRunner));
  EXPECT_TRUE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 99990.0));
  EXPECT_FALSE(l.first_copy(kRunner, SIGTERM, kForwarded, 0, 99990.0));
}

}  // namespace
}  // namespace sigvisor
