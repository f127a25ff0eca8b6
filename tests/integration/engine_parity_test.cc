// Decoding parity between the engines (issue 23): examples/all_signal_calls makes every
// call of the signal family with valid and invalid arguments; run with ASLR off under the
// notify engine (--results: every result known) and under the kernel engine, each call's
// JSON event must be the same, field for field, once the run's own ids are named by order
// of appearance and the fields of the moment (ts, seq) are dropped. The text's parity with
// strace on each engine is StraceParity's (it runs in both copies of the suite).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

// The run's task ids ("T1", "T2"...) in the order its events first name them.
class IdNames {
 public:
  void learn(const json& e) {
    for (const char* key : {"pid", "tid"}) {
      if (e.contains(key) && e[key].is_number_integer()) name(e[key].get<int64_t>());
    }
    // A child is named at its birth, in its parent's order, not at its first event.
    if (e.value("event", "") == "spawn" && e.contains("child")) learn(e["child"]);
  }
  // `v` with every integer that is one of the run's ids replaced by its name.
  json rename(const json& v) const {
    if (v.is_object() || v.is_array()) {
      json out = v;
      for (auto& item : out.items()) item.value() = rename(item.value());
      return out;
    }
    if (v.is_number_integer()) {
      auto it = names_.find(v.get<int64_t>());
      if (it != names_.end()) return it->second;
      // kill(-pgid) and F_SETOWN's -pgid: a group named by its leader's id.
      it = names_.find(-v.get<int64_t>());
      if (it != names_.end()) return "-" + it->second;
    }
    return v;
  }

 private:
  void name(int64_t id) {
    if (id > 1 && names_.count(id) == 0) names_[id] = "T" + std::to_string(names_.size() + 1);
  }
  std::map<int64_t, std::string> names_;
};

// The run's syscall events by task (the tasks' calls interleave differently from run to
// run), renamed, without the fields of the moment.
std::map<std::string, std::vector<json>> calls(const Outcome& r) {
  IdNames ids;
  for (const auto& e : r.events) ids.learn(e);
  std::map<std::string, std::vector<json>> out;
  for (const auto& e : r.events) {
    if (e.value("event", "") != "syscall") continue;
    json c = ids.rename(e);
    c.erase("ts");
    c.erase("seq");
    const std::string task = c["tid"].is_string() ? c["tid"].get<std::string>() : c["tid"].dump();
    out[task].push_back(std::move(c));
  }
  return out;
}

TEST(EngineParity, EveryCallOfTheFamilyIsTheSameEventOnBothEngines) {
  if (results_mode() || !test_engine().empty()) {
    GTEST_SKIP() << "runs both engines itself: once, in the suite's first copy";
  }
  if (auto why = kernel_engine_refusal(); !why.empty()) {
    GTEST_SKIP() << "the kernel engine cannot run here: " << why;
  }
  if (run_native({"setarch", "-R", "true"}, 10).exit_status != 0) {
    GTEST_SKIP() << "setarch -R (util-linux) cannot disable ASLR here";
  }
  const std::vector<std::string> prog = {"setarch", "-R", example("all_signal_calls")};
  Outcome n = run_sigvisor({"--engine", "notify", "--results"}, prog);
  Outcome k = run_sigvisor({"--engine", "kernel", "--results"}, prog);  // rt_sigreturn too
  ASSERT_EQ(n.exit_status, 0) << n.err;
  ASSERT_EQ(k.exit_status, 0) << k.err;
  auto want = calls(n);
  auto got = calls(k);
  ASSERT_EQ(want.size(), 2u) << n.trace;  // the program and pause()'s helper child
  EXPECT_GE(want["T1"].size(), 70u) << n.trace;
  ASSERT_EQ(got.size(), want.size()) << k.trace;
  for (const auto& [task, mine] : want) {
    const auto& theirs = got[task];
    ASSERT_EQ(theirs.size(), mine.size()) << task << "\nnotify:\n"
                                          << n.trace << "kernel:\n"
                                          << k.trace;
    for (std::size_t i = 0; i < mine.size(); ++i) {
      EXPECT_EQ(theirs[i], mine[i]) << task << " call " << i + 1 << "\n  notify: " << mine[i].dump()
                                    << "\n  kernel: " << theirs[i].dump();
    }
  }
}

}  // namespace
}  // namespace sigvisor::test
