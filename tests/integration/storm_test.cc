// Notifications aborted by a signal or a group stop: under a thread storm of tgkill,
// kill(self, 0) and rt_sigprocmask, with a SA_RESTART handler (SIGUSR1), one without
// (SIGUSR2) and the whole process stopped and continued from outside, every call the
// program makes is answered as natively (never a spurious EINTR), recorded exactly once
// with the thread that made it, and a denied call gets its EPERM and one deny event.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// Modest, so that the three runs stay well under the time budget even under ASan.
constexpr int kThreads = 4;
constexpr int kIters = 500;

// What notify_storm printed: its per-thread lines and its summary line.
struct StormReport {
  std::map<std::string, long> total;                  // "calls k=v ..." fields
  std::map<int, std::map<std::string, long>> by_tid;  // "thread TID k=v ..." lines
};

std::map<std::string, long> fields(const std::string& line) {
  std::map<std::string, long> out;
  std::regex kv(R"((\w+)=(\d+))");
  for (std::sregex_iterator it(line.begin(), line.end(), kv), end; it != end; ++it) {
    out[(*it)[1]] = std::stol((*it)[2]);
  }
  return out;
}

StormReport parse_report(const std::string& out) {
  StormReport r;
  std::istringstream in(out);
  std::string line;
  std::regex thread_line(R"(^thread (\d+) )");
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("calls ", 0) == 0) {
      r.total = fields(line);
    } else if (std::regex_search(line, m, thread_line)) {
      r.by_tid[std::stoi(m[1])] = fields(line);
    }
  }
  return r;
}

// The storm's own rt_sigprocmask calls: SIG_BLOCK/SIG_UNBLOCK of {SIGUSR1} by a worker.
// (libc makes others too: pthread_create's SIG_SETMASK, a thread's block-all at exit.)
bool storm_mask_call(const json& e, const StormReport& rep) {
  if (!rep.by_tid.count(e["tid"].get<int>())) return false;
  const json& a = e["args"];
  return (a["how"] == "SIG_BLOCK" || a["how"] == "SIG_UNBLOCK") && a["set"] == json{"SIGUSR1"};
}

// Runs the storm and checks what every mode must show: the program saw only native
// results, and each of its calls is one event with the right thread. Returns the report.
StormReport run_and_check_counts(const Outcome& r, bool expect_denied) {
  StormReport rep = parse_report(r.out);
  EXPECT_EQ(r.exit_status, 0) << "the program saw a non-native result:\n" << r.err << r.out;
  EXPECT_EQ(rep.by_tid.size(), static_cast<std::size_t>(kThreads)) << r.out;
  EXPECT_EQ(rep.total["failures"], 0) << r.err;
  EXPECT_EQ(rep.total["eintr"], 0) << r.err;
  EXPECT_EQ(rep.total["rt_sigprocmask"], kThreads * kIters) << r.out;
  EXPECT_EQ(rep.total["tgkill"], kThreads * kIters) << r.out;
  EXPECT_EQ(rep.total["kill0"], kThreads * kIters) << r.out;
  EXPECT_EQ(rep.total["denied"], expect_denied ? rep.total["tgkill_usr2"] : 0) << r.out;
  expect_gapless(r);

  // Per syscall name: exactly as many events as calls made, none lost, none twice.
  auto tgkills = of_kind(r, "syscall", "tgkill");
  auto kills = of_kind(r, "syscall", "kill");
  EXPECT_EQ(static_cast<long>(tgkills.size()), rep.total["tgkill"]);
  EXPECT_EQ(static_cast<long>(kills.size()), rep.total["kill"]);
  long mask_calls = 0;
  for (const auto& e : of_kind(r, "syscall", "rt_sigprocmask")) {
    if (storm_mask_call(e, rep)) ++mask_calls;
  }
  EXPECT_EQ(mask_calls, rep.total["rt_sigprocmask"]);

  // Per thread and per kind.
  std::map<int, std::map<std::string, long>> seen;
  long usr1 = 0, usr2 = 0, kill0 = 0, stopper = 0;
  for (const auto& e : tgkills) {
    int tid = e["tid"];
    ++seen[tid]["tgkill"];
    EXPECT_TRUE(rep.by_tid.count(tid)) << e.dump();
    EXPECT_EQ(e["target"]["scope"], "thread") << e.dump();
    EXPECT_NE(e["args"]["tid"], tid) << "a worker signals a sibling, never itself: " << e.dump();
    EXPECT_TRUE(rep.by_tid.count(e["args"]["tid"].get<int>())) << e.dump();
    if (e["args"]["sig"] == "SIGUSR1") ++usr1;
    if (e["args"]["sig"] == "SIGUSR2") ++usr2;
  }
  for (const auto& e : kills) {
    if (e["args"]["sig"] == 0) {
      ++kill0;
      ++seen[e["tid"].get<int>()]["kill"];
      EXPECT_EQ(e["target"]["scope"], "self") << e.dump();
    } else {
      ++stopper;  // the stopper child: SIGSTOP, SIGCONT, SIGUSR2 to its parent
      EXPECT_EQ(e["target"]["scope"], "sandbox") << e.dump();
      EXPECT_NE(e["pid"], e["args"]["pid"]) << e.dump();
    }
  }
  for (const auto& e : of_kind(r, "syscall", "rt_sigprocmask")) {
    if (storm_mask_call(e, rep)) ++seen[e["tid"].get<int>()]["rt_sigprocmask"];
  }
  EXPECT_EQ(usr1, rep.total["tgkill_usr1"]);
  EXPECT_EQ(usr2, rep.total["tgkill_usr2"]);
  EXPECT_EQ(kill0, rep.total["kill0"]);
  EXPECT_EQ(stopper, rep.total["stopper_kill"]);
  for (const auto& [tid, printed] : rep.by_tid) {
    for (const char* kind : {"rt_sigprocmask", "tgkill", "kill"}) {
      EXPECT_EQ(seen[tid][kind], printed.at(kind)) << "tid " << tid << " " << kind;
    }
  }
  return rep;
}

std::vector<std::string> storm(bool expect_eperm_usr2 = false) {
  std::vector<std::string> cmd = {example("notify_storm"), std::to_string(kThreads),
                                  std::to_string(kIters)};
  if (expect_eperm_usr2) cmd.push_back("--expect-eperm-usr2");
  return cmd;
}

class Storm : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    // Without ptrace nothing turns -ERESTARTSYS into a rerun: a decided call a signal cuts
    // short in the queue returns EINTR (docs/kernel-engine.md, "Limits").
    SKIP_ON_KERNEL_ENGINE("the notify engine's rerun of calls cut short in the queue");
  }
};

TEST_F(Storm, EveryCallAnsweredNativelyAndRecordedOnce) {
  Outcome r = run_sigvisor({}, storm());
  run_and_check_counts(r, false);
  for (const auto& e : of_kind(r, "syscall")) {
    EXPECT_EQ(e["action"], "allow") << e.dump();
  }
}

TEST_F(Storm, WithResultsEveryCallSucceedsAndNoneIsInterrupted) {
  Outcome r = run_sigvisor({"--results"}, storm());
  run_and_check_counts(r, false);
  for (const auto& e : of_kind(r, "syscall")) {
    const std::string name = e["syscall"];
    // rt_sigreturn reports the register it restores: a futex the program was waiting in
    // (its barrier) that SIGUSR2 interrupted natively shows EINTR there, as under strace.
    if (name == "rt_sigreturn") continue;
    EXPECT_NE(e["errno"], "EINTR") << e.dump();
    if (name == "tgkill" || name == "kill" || name == "rt_sigprocmask") {
      EXPECT_EQ(e["retval"], 0) << e.dump();
      EXPECT_EQ(e["errno"], nullptr) << e.dump();
    }
  }
}

TEST_F(Storm, DeniedCallsGetEpermAndOneDenyEventEach) {
  std::string policy = temp_path("no-usr2.json");
  std::ofstream(policy) << R"({"name": "no-usr2", "default": "allow", "rules": [
      {"name": "no-tgkill-usr2", "match": {"syscall": ["tgkill"], "sig": ["SIGUSR2"]},
       "action": "deny", "errno": "EPERM"}]})";
  Outcome r = run_sigvisor({"-P", policy}, storm(true));
  StormReport rep = run_and_check_counts(r, true);
  EXPECT_EQ(rep.total["denied"], rep.total["tgkill_usr2"]);
  long denied = 0;
  for (const auto& e : of_kind(r, "syscall")) {
    const bool usr2_tgkill = e["syscall"] == "tgkill" && e["args"]["sig"] == "SIGUSR2";
    if (!usr2_tgkill) {
      EXPECT_EQ(e["action"], "allow") << e.dump();
      continue;
    }
    ++denied;
    EXPECT_EQ(e["action"], "deny") << e.dump();
    EXPECT_EQ(e["rule"], "no-tgkill-usr2") << e.dump();
    EXPECT_EQ(e["retval"], -1) << e.dump();
    EXPECT_EQ(e["errno"], "EPERM") << e.dump();
  }
  EXPECT_EQ(denied, rep.total["denied"]);
  // A denied tgkill sends nothing: the only SIGUSR2 deliveries are the stopper's kills.
  for (const auto& s : of_kind(r, "signal")) {
    if (s["sig"] == "SIGUSR2") EXPECT_EQ(s["code"], "SI_USER") << s.dump();
  }
}

}  // namespace
}  // namespace sigvisor::test
