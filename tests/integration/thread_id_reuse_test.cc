// The reused-thread-id attack (examples/escape/thread_id_reuse.c): a thread's exec frees
// its id before sigvisor hears of the exec; an outside helper takes the id, and a member
// kills it. Natively the outside process dies; under ci-isolation it must never die, with
// the policy alone (--no-landlock) and with Landlock, and every event must name the
// target's true scope: `outside`, never a thread of the tree. On both engines.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "escape_setup.h"
#include "harness.h"
#include "kernel/kernel_features.h"

namespace sigvisor::test {
namespace {

// What the attacker printed: `rounds=N reused=R hits=H refused=F`.
struct Tally {
  int rounds = -1, reused = -1, hits = -1, refused = -1;
};

Tally tally(const std::string& out) {
  Tally t;
  if (std::sscanf(out.c_str(), "rounds=%d reused=%d hits=%d refused=%d", &t.rounds, &t.reused,
                  &t.hits, &t.refused) != 4) {
    t = Tally{};
  }
  return t;
}

// The outside helper: a process this test starts, serving on two FIFOs.
class Spawner {
 public:
  Spawner() : req_(temp_path("req")), reply_(temp_path("reply")) {
    mkfifo(req_.c_str(), 0600);
    mkfifo(reply_.c_str(), 0600);
    pid_ = fork();
    if (pid_ == 0) {
      const std::string prog = example("thread_id_reuse");
      execl(prog.c_str(), prog.c_str(), "spawner", req_.c_str(), reply_.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Spawner() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);  // its victim of the moment dies with it (PR_SET_PDEATHSIG)
      waitpid(pid_, nullptr, 0);
    }
    unlink(req_.c_str());
    unlink(reply_.c_str());
  }
  Spawner(const Spawner&) = delete;
  Spawner& operator=(const Spawner&) = delete;
  std::vector<std::string> attack(int rounds) const {
    return {example("thread_id_reuse"), "attack", req_, reply_, std::to_string(rounds)};
  }

 private:
  std::string req_, reply_;
  pid_t pid_ = -1;
};

// Empty when the attack works natively here (the helper can choose the next id, and the
// kill reaches it); otherwise why not.
std::string attack_missing() {
  if (geteuid() != 0) return "needs root: the outside helper writes /proc/sys/kernel/ns_last_pid";
  Spawner spawner;
  Outcome n = run_native(spawner.attack(20));
  Tally t = tally(n.out);
  if (n.exit_status != 0 || t.rounds != 20)
    return "the native attack did not run: " + n.out + n.err;
  if (t.reused == 0) return "the helper never got the freed id (ns_last_pid has no effect here)";
  if (t.hits != t.reused) return "natively the kill did not reach the reused id: " + n.out;
  return {};
}

class ThreadIdReuse : public ::testing::TestWithParam<Setup> {};

TEST_P(ThreadIdReuse, TheOutsideProcessNeverDiesAndTheScopeIsTrue) {
  if (!missing_test_engine().empty()) GTEST_SKIP() << missing_test_engine();
  if (GetParam().landlock) {
    if (auto why = missing(Feature::landlock_signal_scope); !why.empty()) GTEST_SKIP() << why;
  }
  static const std::string why = attack_missing();
  if (!why.empty()) GTEST_SKIP() << why;
  constexpr int kRounds = 1000;
  Spawner spawner;
  std::vector<std::string> args = {"-P", GetParam().policy};
  if (!GetParam().landlock) args.push_back("--no-landlock");
  Outcome r = run_sigvisor(args, spawner.attack(kRounds), 300);
  ASSERT_EQ(r.exit_status, 0) << r.out << r.err;
  Tally t = tally(r.out);
  ASSERT_EQ(t.rounds, kRounds) << r.out;
  EXPECT_GT(t.reused, kRounds / 2) << r.out;  // the helper got the id in most rounds
  EXPECT_EQ(t.hits, 0) << "an outside process died of a member's kill: " << r.out;
  EXPECT_EQ(t.refused, t.reused) << r.out;
  // Every SIGKILL the attacker sent named the outside process: refused, scope outside.
  int kills = 0;
  for (const auto& e : of_kind(r, "syscall", "kill")) {
    if (e["args"]["sig"] != "SIGKILL") continue;
    ++kills;
    EXPECT_EQ(e["target"]["scope"], "outside") << e;
    EXPECT_EQ(e["action"], "deny") << e;
    EXPECT_EQ(e["errno"], "EPERM") << e;
  }
  EXPECT_EQ(kills, t.reused);
}

INSTANTIATE_TEST_SUITE_P(Policies, ThreadIdReuse,
                         ::testing::Values(Setup{"ci-isolation", false},
                                           Setup{"ci-isolation", true}),
                         setup_name);

}  // namespace
}  // namespace sigvisor::test
