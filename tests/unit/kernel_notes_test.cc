// The kernel's record of a run (run/kernel_notes.h, kernel/kernel_features.h): which notes
// a run's missing features give, the one stderr line for a refusal with no backstop, the
// policy and summary events stamped with them, and the docs that list the features.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "calls/call_decision.h"
#include "events/event_json.h"
#include "run/kernel_notes.h"
#include "supervise_fakes.h"

namespace sigvisor::test {
namespace {

constexpr const char* kIsolation = R"({"name": "iso", "default": "allow", "rules": [
    {"name": "no-outside", "match": {"syscall": "send", "target": ["outside", "init"]},
     "action": "deny"}]})";

KernelFeatures lacking(Feature f, const std::string& why) {
  KernelFeatures k;
  k.release = "6.1.0-test";
  k.missing[static_cast<std::size_t>(f)] = why;
  return k;
}

// Diagnostics that write into a string.
struct Captured {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  Diagnostics diag{f, false};
  ~Captured() {
    std::fclose(f);
    std::free(buf);
  }
  std::string text() {
    std::fflush(f);
    return std::string(buf, size);
  }
};

SyscallEvent kill_of(int64_t pid, Scope scope) {
  SyscallEvent ev;
  ev.call.sys = Sys::kill;
  ev.call.regs[0] = static_cast<uint64_t>(pid);
  ev.call.regs[1] = 15;
  Target t;
  t.pid = pid;
  t.scope = scope;
  t.exists = true;
  ev.target = t;
  return ev;
}

TEST(KernelNotes, OneNotePerMissingFeatureThatMattersToTheRun) {
  EXPECT_TRUE(notes_for(KernelFeatures{}, true).empty());
  const auto scope = lacking(Feature::landlock_signal_scope, "ABI 3");
  ASSERT_EQ(notes_for(scope, true).size(), 1u);
  EXPECT_EQ(notes_for(scope, true)[0].rfind("Landlock signal scope missing (ABI 3): ", 0), 0u)
      << notes_for(scope, true)[0];
  // A policy that lets signals leave the sandbox wants no backstop: nothing to note.
  EXPECT_TRUE(notes_for(scope, false).empty());
  const auto wake = lacking(Feature::sync_wake_up, "no flag");
  ASSERT_EQ(notes_for(wake, false).size(), 1u);
  EXPECT_NE(notes_for(wake, false)[0].find("another CPU"), std::string::npos);
}

TEST(KernelNotes, ARefusalWithoutBackstopIsSaidOnceAndOnlyWhenAimedOutside) {
  Captured out;
  BackstopNote note(lacking(Feature::landlock_signal_scope, "ABI 3"), true, out.diag);
  note.refused(kill_of(1002, Scope::sandbox));  // inside: Landlock would not refuse it
  SyscallEvent nobody = kill_of(99999, Scope::outside);
  nobody.target->exists = false;  // ESRCH from the kernel anyway
  note.refused(nobody);
  EXPECT_EQ(out.text(), "");
  note.refused(kill_of(1, Scope::init));
  note.refused(kill_of(77, Scope::outside));
  const std::string text = out.text();
  EXPECT_EQ(text,
            std::string(kBackstopNote) +
                "kill aimed at 1 (init) was refused by sigvisor alone, Landlock's signal scope "
                "being unavailable (ABI 3); said once per run\n");
  EXPECT_TRUE(is_kernel_note(text.substr(0, text.size() - 1)));
  EXPECT_TRUE(note.said());
}

TEST(KernelNotes, NothingIsSaidWithABackstopOrAPolicyThatNeedsNone) {
  Captured out;
  BackstopNote with_scope(KernelFeatures{}, true, out.diag);
  with_scope.refused(kill_of(1, Scope::init));
  BackstopNote no_need(lacking(Feature::landlock_signal_scope, "ABI 3"), false, out.diag);
  no_need.refused(kill_of(1, Scope::init));
  EXPECT_EQ(out.text(), "");
  EXPECT_FALSE(with_scope.said() || no_need.said());
}

TEST(KernelNotes, TheNotesAreTheOnlyLinesTakenForKernelNotes) {
  EXPECT_TRUE(is_kernel_note("sigvisor: note: kernel trace unavailable (not root): senders"));
  EXPECT_TRUE(is_kernel_note(
      "sigvisor: warning: no kernel backstop for signals leaving the sandbox: Landlock"));
  EXPECT_FALSE(is_kernel_note("sigvisor: received SIGTERM: killed 1 processes"));
  EXPECT_FALSE(is_kernel_note("note: kernel trace unavailable ("));
}

// The run state stamps the policy and summary events, and a refused call aimed outside
// says the note through the run's diagnostics.
TEST(KernelNotes, TheRunRecordsTheKernelInItsPolicyAndSummaryEvents) {
  Policy policy = policy_of(kIsolation);
  ProcessTable table(Outside{500, 499});
  table.add({1000, 1000, 0, make_comm("root")});
  std::vector<Event> events;
  SinkConfig c;
  c.observer = [&events](const Event& e) { events.push_back(e); };
  EventSink sink(c);
  FakeKernel kernel;
  kernel.kernel = lacking(Feature::landlock_signal_scope, "ABI 3");
  FakeTree tree;
  Captured out;
  RunState sv(RunParts{table, policy, sink, kernel, tree, out.diag}, std::bitset<kSysCount>().set(),
              1000);
  sv.record(PolicyEvent{"iso", "h", "test.json"});
  SyscallEvent ev = kill_of(1, Scope::init);
  ev.caller = ProcRef{1000, 1000, make_comm("root")};
  record_call(ev, Decision{Action::deny, EPERM, "no-outside"}, sv);
  sv.record(SummaryEvent{});
  sink.close();
  ASSERT_EQ(events.size(), 3u);
  const auto policy_json = event_json(events[0]);
  EXPECT_EQ(policy_json["kernel"]["release"], "6.1.0-test");
  EXPECT_EQ(policy_json["kernel"]["features"]["landlock_signal_scope"], false);
  EXPECT_EQ(policy_json["kernel"]["features"]["sync_wake_up"], true);
  ASSERT_EQ(policy_json["kernel"]["notes"].size(), 1u);
  const auto summary_json = event_json(events[2]);
  EXPECT_EQ(summary_json["kernel_notes"], policy_json["kernel"]["notes"]);
  EXPECT_EQ(out.text().rfind(std::string(kBackstopNote) + "kill aimed at 1 (init)", 0), 0u)
      << out.text();
}

// Each feature's key is where users look it up: the events schema, the man page and
// docs/kernels.md.
TEST(KernelNotes, EveryFeatureIsDocumented) {
  auto read = [](const std::string& rel) {
    std::ifstream in(std::string(SIGVISOR_SOURCE_DIR) + "/" + rel);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  const std::string schema = read("docs/events.schema.json");
  const std::string man = read("docs/sigvisor.1");
  const std::string doc = read("docs/kernels.md");
  std::set<std::string_view> keys;
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const FeatureFacts& f = facts(feature_at(i));
    EXPECT_TRUE(keys.insert(f.key).second) << f.key << " twice";
    const std::string quoted = "\"" + std::string(f.key) + "\"";
    EXPECT_NE(schema.find(quoted), std::string::npos) << f.key << " not in the schema";
    EXPECT_NE(man.find(std::string(f.key)), std::string::npos) << f.key << " not in sigvisor.1";
    EXPECT_NE(doc.find("`" + std::string(f.key) + "`"), std::string::npos)
        << f.key << " not in kernels.md";
  }
}

// The probes agree with what the kernel says elsewhere of the same features.
TEST(KernelNotes, TheProbesAgreeWithTheKernelsOwnLists) {
  const KernelFeatures k = probe_kernel_features();
  EXPECT_FALSE(k.release.empty());
  std::ifstream actions("/proc/sys/kernel/seccomp/actions_avail");
  std::string avail((std::istreambuf_iterator<char>(actions)), std::istreambuf_iterator<char>());
  EXPECT_EQ(k.has(Feature::seccomp_user_notif), avail.find("user_notif") != std::string::npos)
      << avail;
  std::ifstream yama("/proc/sys/kernel/yama/ptrace_scope");
  char scope = '0';
  yama >> scope;
  EXPECT_EQ(k.has(Feature::ptrace), scope != '3');
  // pidfd_getfd (5.6) came after pidfd_open (5.3): one without the other is a probe bug.
  EXPECT_TRUE(k.has(Feature::pidfd_open) || !k.has(Feature::pidfd_getfd));
}

}  // namespace
}  // namespace sigvisor::test
