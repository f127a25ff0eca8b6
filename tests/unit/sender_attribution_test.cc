// Sender attribution with fake evidence sources and a fake /proc: which source names the
// sender, in which order, and what doubt narrows to.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/notify/sender_attribution.h"
#include "supervise_fakes.h"

namespace sigvisor::test {
namespace {

constexpr pid_t kSupervisor = 500;
constexpr pid_t kReceiver = 1001;

// A source holding at most one claim, optionally incomplete (it lost claims).
class OneClaim final : public SenderEvidence {
 public:
  std::optional<SenderClaim> claim;
  bool is_complete = true;
  int asked = 0;
  std::optional<SenderClaim> take(pid_t receiver, int sig, const ClaimedFields& d) override {
    ++asked;
    if (claim && claim->receiver_tgid == receiver && claim->sig == sig && claim->claimed == d) {
      return std::exchange(claim, std::nullopt);
    }
    return std::nullopt;
  }
  bool complete() const override { return is_complete; }
};

siginfo_t info(int sig, int code, pid_t pid, uid_t uid, int value = 0) {
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = code;
  si.si_pid = pid;
  si.si_uid = uid;
  si.si_value.sival_int = value;
  return si;
}

SenderClaim claim_by(pid_t caller, pid_t claimed_pid, int sig, int value = 0) {
  SenderClaim c;
  c.receiver_tgid = kReceiver;
  c.sig = sig;
  c.claimed = ClaimedFields{SI_QUEUE, claimed_pid, 0, static_cast<uint64_t>(value)};
  c.caller = ProcRef{caller, caller, make_comm("caller")};
  return c;
}

class Attribution : public ::testing::Test {
 protected:
  Attribution() {
    table.add({1000, 1000, 0, make_comm("root")});
    table.add({kReceiver, kReceiver, 1000, make_comm("receiver")});
    kernel.outside[4242] = {make_comm("bash"), 50.0};   // started before the stop (t=100)
    kernel.outside[4343] = {make_comm("late"), 150.0};  // started after: a reused pid
    senders.add_source(first);
    senders.add_source(second);
  }
  SignalEvent identify(const siginfo_t& si) {
    SignalEvent ev;
    ev.sig = si.si_signo;
    ev.code = si.si_code;
    std::memcpy(ev.info.data(), &si, sizeof si);
    senders.identify(ev, si, kReceiver, 100.0);
    return ev;
  }

  ProcessTable table{Outside{kSupervisor, 499}};
  FakeKernel kernel;
  OneClaim first;
  OneClaim second;
  SenderAttribution senders{table, kernel, kSupervisor};
};

TEST_F(Attribution, KernelFilledPidsAreNamedFromTheTableOrProc) {
  struct Case {
    const char* what;
    siginfo_t si;
    Scope scope;
    bool known;
    const char* comm;
  };
  const Case cases[] = {
      {"sandbox sender", info(SIGTERM, SI_USER, 1000, 0), Scope::sandbox, true, "root"},
      {"self", info(SIGTERM, SI_TKILL, kReceiver, 0), Scope::self, true, "receiver"},
      {"outside, named by /proc", info(SIGTERM, SI_USER, 4242, 0), Scope::outside, true, "bash"},
      {"outside, pid reused after the stop", info(SIGTERM, SI_USER, 4343, 0), Scope::outside, false,
       ""},
      {"outside, gone", info(SIGTERM, SI_USER, 4444, 0), Scope::outside, false, ""},
      {"the supervisor", info(SIGTERM, SI_USER, kSupervisor, 0), Scope::supervisor, false, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    SignalEvent ev = identify(c.si);
    EXPECT_EQ(ev.sender_scope, c.scope);
    EXPECT_EQ(ev.sender_known, c.known);
    ASSERT_TRUE(ev.sender);
    EXPECT_EQ(ev.sender->pid, c.si.si_pid);
    EXPECT_EQ(comm_view(ev.sender->comm), c.comm);
    EXPECT_FALSE(ev.forged);
  }
  EXPECT_EQ(first.asked, 0) << "kernel-filled codes need no evidence";
}

TEST_F(Attribution, KernelCodesHaveNoSender) {
  for (const siginfo_t& si : {info(SIGSEGV, SEGV_MAPERR, 0, 0), info(SIGCHLD, CLD_EXITED, 1000, 0),
                              info(SIGALRM, SI_TIMER, 0, 0), info(SIGHUP, SI_KERNEL, 0, 0)}) {
    SignalEvent ev = identify(si);
    EXPECT_EQ(ev.sender_scope, Scope::kernel) << si.si_code;
    EXPECT_FALSE(ev.sender) << si.si_code;
  }
}

TEST_F(Attribution, TheFirstSourceWithAMatchNamesTheTrueSender) {
  second.claim = claim_by(1000, 1000, SIGUSR1, 7);
  first.claim = claim_by(1000, 4242, SIGUSR1, 7);  // a lie: claims to be 4242
  SignalEvent ev = identify(info(SIGUSR1, SI_QUEUE, 4242, 0, 7));
  EXPECT_TRUE(ev.claim_checked);
  EXPECT_TRUE(ev.forged);
  ASSERT_TRUE(ev.sender);
  EXPECT_EQ(ev.sender->pid, 1000);
  EXPECT_EQ(ev.sender_scope, Scope::sandbox);
  EXPECT_EQ(second.asked, 0) << "the first source answered";
  EXPECT_TRUE(second.claim) << "and the second kept its claim";

  SignalEvent honest = identify(info(SIGUSR1, SI_QUEUE, 1000, 0, 7));
  EXPECT_EQ(second.asked, 1);
  EXPECT_TRUE(honest.claim_checked);
  EXPECT_FALSE(honest.forged);
}

TEST_F(Attribution, AnUnmatchedClaimIsOutsideAndForgedOnlyWhenNoSourceLostClaims) {
  // Claiming a sandbox pid with no intercepted call behind it: a lie, if nothing was lost.
  SignalEvent lie = identify(info(SIGUSR1, SI_QUEUE, 1000, 0));
  EXPECT_EQ(lie.sender_scope, Scope::outside);
  EXPECT_TRUE(lie.forged);
  EXPECT_FALSE(lie.claim_checked);

  second.is_complete = false;
  SignalEvent doubt = identify(info(SIGUSR1, SI_QUEUE, 1000, 0));
  EXPECT_EQ(doubt.sender_scope, Scope::outside);
  EXPECT_FALSE(doubt.forged) << "a lost claim could have been this one";

  SignalEvent outside = identify(info(SIGUSR1, SI_QUEUE, 4242, 0));
  EXPECT_EQ(outside.sender_scope, Scope::outside);
  EXPECT_TRUE(outside.sender_known);
  EXPECT_EQ(comm_view(outside.sender->comm), "bash");
  ASSERT_TRUE(outside.claimed);
  EXPECT_EQ(outside.claimed->first, 4242);
}

// A kernel trace that witnessed at most one send; records what it was asked.
class OneSend final : public SendWitness {
 public:
  std::optional<WitnessedSend> send;
  int asked = 0;
  int dropped = 0;
  std::optional<WitnessedSend> take_delivery(pid_t, pid_t, int, int code) override {
    ++asked;
    if (send && send->code == code) return std::exchange(send, std::nullopt);
    return std::nullopt;
  }
  void drop_delivery(pid_t, pid_t, int, int code) override {
    ++dropped;
    if (send && send->code == code) send.reset();
  }
  std::optional<WitnessedSend> take_sigkill(pid_t) override { return std::nullopt; }
  void forget(pid_t) override {}
};

WitnessedSend witnessed(pid_t pid, pid_t tid, const char* comm, int code) {
  WitnessedSend w;
  w.sender = ProcRef{pid, tid, make_comm(comm)};
  w.comm_known = true;
  w.code = code;
  return w;
}

class WitnessedAttribution : public Attribution {
 protected:
  WitnessedAttribution() { senders.set_witness(&witness, nullptr); }
  SignalEvent identify_at(const siginfo_t& si, pid_t receiving_tid) {
    SignalEvent ev;
    ev.task = ProcRef{kReceiver, receiving_tid, make_comm("receiver")};
    ev.sig = si.si_signo;
    ev.code = si.si_code;
    std::memcpy(ev.info.data(), &si, sizeof si);
    senders.identify(ev, si, kReceiver, 100.0);
    return ev;
  }
  OneSend witness;
};

// A delivery the kernel made (SIGCHLD, a fault, SI_KERNEL) names no sender: its send is
// dropped from the witness unread (naming it could cost a /proc read), and a user send
// is taken and used.
TEST_F(WitnessedAttribution, KernelMadeDeliveriesDropTheirSendUnread) {
  struct Case {
    const char* name;
    int sig;
    int code;
    bool dropped;
  };
  const Case cases[] = {
      {"SIGCHLD CLD_EXITED", SIGCHLD, CLD_EXITED, true},
      {"SIGCHLD CLD_KILLED", SIGCHLD, CLD_KILLED, true},
      {"SIGSEGV SEGV_MAPERR", SIGSEGV, SEGV_MAPERR, true},
      {"SIGHUP SI_KERNEL", SIGHUP, SI_KERNEL, true},
      {"SIGUSR1 SI_USER", SIGUSR1, SI_USER, false},
      {"SIGUSR1 SI_TKILL", SIGUSR1, SI_TKILL, false},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    witness.asked = witness.dropped = 0;
    witness.send = witnessed(kReceiver, kReceiver, "sender", k.code);
    SignalEvent ev = identify_at(info(k.sig, k.code, kReceiver, 0), kReceiver);
    EXPECT_EQ(witness.dropped, k.dropped ? 1 : 0);
    EXPECT_EQ(witness.asked, k.dropped ? 0 : 1);
    EXPECT_FALSE(witness.send) << "the send is used up either way";
    if (k.dropped) {
      EXPECT_EQ(ev.sender_scope, Scope::kernel);
      EXPECT_FALSE(ev.sender);
    }
  }
}

TEST_F(WitnessedAttribution, ASiblingThreadIsScopedThreadAndNamedAsTheKernelNamedIt) {
  witness.send = witnessed(kReceiver, 1005, "worker", SI_TKILL);
  SignalEvent ev = identify_at(info(SIGUSR1, SI_TKILL, kReceiver, 0), kReceiver);
  EXPECT_EQ(ev.sender_scope, Scope::thread);
  EXPECT_TRUE(ev.sender_tid_known);
  EXPECT_EQ(ev.sender->tid, 1005);
  EXPECT_EQ(comm_view(ev.sender->comm), "worker");  // not the table's "receiver"

  witness.send = witnessed(kReceiver, 1005, "worker", SI_TKILL);
  SignalEvent own = identify_at(info(SIGUSR1, SI_TKILL, kReceiver, 0), 1005);
  EXPECT_EQ(own.sender_scope, Scope::self) << "the receiving thread sent it itself";
}

TEST_F(WitnessedAttribution, PtracesSenderStaysWhenTheKernelDisagrees) {
  witness.send = witnessed(4343, 4343, "other", SI_USER);
  SignalEvent ev = identify_at(info(SIGTERM, SI_USER, 4242, 0), kReceiver);
  ASSERT_TRUE(ev.sender);
  EXPECT_EQ(ev.sender->pid, 4242);
  EXPECT_FALSE(ev.sender_tid_known);
  EXPECT_EQ(comm_view(ev.sender->comm), "bash");
  EXPECT_EQ(witness.asked, 1);
}

TEST_F(WitnessedAttribution, TheKernelChecksAnOutsideClaim) {
  witness.send = witnessed(4242, 4244, "queuer", SI_QUEUE);
  SignalEvent honest = identify_at(info(SIGUSR1, SI_QUEUE, 4242, 0), kReceiver);
  EXPECT_TRUE(honest.claim_checked);
  EXPECT_FALSE(honest.forged);
  EXPECT_EQ(honest.sender->tid, 4244);
  EXPECT_EQ(honest.sender_scope, Scope::outside);

  witness.send = witnessed(4242, 4242, "liar", SI_QUEUE);
  SignalEvent lie = identify_at(info(SIGUSR1, SI_QUEUE, 1000, 0), kReceiver);
  EXPECT_TRUE(lie.claim_checked);
  EXPECT_TRUE(lie.forged);
  EXPECT_EQ(lie.sender->pid, 4242);
  EXPECT_EQ(lie.sender_scope, Scope::outside);
}

TEST_F(WitnessedAttribution, KernelCodesStayTheKernelsAndUseUpTheirRecord) {
  witness.send = witnessed(1000, 1000, "root", CLD_EXITED);
  SignalEvent ev = identify_at(info(SIGCHLD, CLD_EXITED, 1000, 0), kReceiver);
  EXPECT_EQ(ev.sender_scope, Scope::kernel);
  EXPECT_FALSE(witness.send) << "taken, so no later delivery can be given it";
}

}  // namespace
}  // namespace sigvisor::test
