// The kernel engine's own promises (issue 23), beside the whole suite's "kernel:" copy:
// which engine runs and why (one event, one line), the one-line refusals (bad names, not
// root, a request it cannot honour) and auto's fall-back, no ptrace on the tree, failing
// closed when sigvisor is killed (the tree dies from the kernel before the next call, and
// nothing of the run stays loaded), and losses the kernel forces counted, never silent.
// These run --engine kernel explicitly: once, in the suite's first copy.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

class KernelEngine : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (results_mode() || !test_engine().empty()) {
      GTEST_SKIP() << "runs --engine kernel itself: once, in the suite's first copy";
    }
    if (auto why = kernel_engine_refusal(); !why.empty()) GTEST_SKIP() << why;
  }
};

const json* first_of(const Outcome& r, const std::string& kind) {
  for (const auto& e : r.events) {
    if (e.value("event", "") == kind) return &e;
  }
  return nullptr;
}

TEST_F(KernelEngine, TheEngineEventSaysWhichEngineRunsAndWhy) {
  Outcome k = run_sigvisor({"--engine", "kernel"}, {"true"});
  ASSERT_EQ(k.exit_status, 0) << k.err;
  const json* e = first_of(k, "engine");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["engine"], "kernel");
  EXPECT_EQ((*e)["reason"], "asked for (--engine kernel)");
  EXPECT_EQ(k.events[0]["event"], "policy");  // the policy first, the engine right after
  EXPECT_EQ(k.events[1]["event"], "engine");
  EXPECT_EQ(lines_with(k.trace, "+++ engine kernel: asked for (--engine kernel) +++").size(), 1u)
      << k.trace;
  Outcome n = run_sigvisor({"--engine", "notify"}, {"true"});
  ASSERT_EQ(n.exit_status, 0) << n.err;
  ASSERT_NE(first_of(n, "engine"), nullptr);
  EXPECT_EQ((*first_of(n, "engine"))["engine"], "notify");
}

TEST_F(KernelEngine, BadEngineNamesAreOneLineAndExit2) {
  Outcome a = run_native({SIGVISOR_BIN, "--engine", "ebpf", "--", "true"});
  EXPECT_EQ(a.exit_status, 2);
  EXPECT_EQ(a.err, "sigvisor: --engine ebpf: expected auto, kernel or notify\n");
  Outcome b = run_native({"env", "SIGVISOR_ENGINE=fast", SIGVISOR_BIN, "--", "true"});
  EXPECT_EQ(b.exit_status, 2);
  EXPECT_EQ(b.err, "sigvisor: SIGVISOR_ENGINE=fast: expected auto, kernel or notify\n");
  Outcome c = run_native({SIGVISOR_BIN, "--buffer", "8X", "--", "true"});
  EXPECT_EQ(c.exit_status, 2);
  EXPECT_EQ(c.err, "sigvisor: --buffer size '8X': unknown unit (expected K, M or G)\n");
}

// Without root the kernel engine cannot load: asked for, it says so in one line; auto
// falls back to the notify engine and says why in the engine event.
TEST_F(KernelEngine, WithoutRootItIsRefusedAndAutoFallsBack) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run sigvisor as another user";
  if (access("/usr/bin/setpriv", X_OK) != 0) GTEST_SKIP() << "util-linux setpriv is missing";
  char tmpl[] = "/tmp/sigvisor-nonroot-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  chmod(dir.c_str(), 0777);  // for nobody's events file
  const std::vector<std::string> as_nobody = {"setpriv",        "--reuid=65534",   "--regid=65534",
                                              "--clear-groups", "--inh-caps=-all", SIGVISOR_BIN};
  std::vector<std::string> kernel = as_nobody;
  kernel.insert(kernel.end(), {"--engine", "kernel", "-o", "/dev/null", "--", "true"});
  Outcome k = run_native(kernel);
  EXPECT_EQ(k.exit_status, 1);
  EXPECT_EQ(k.err, "sigvisor: --engine kernel: not root (CAP_BPF and CAP_PERFMON are needed)\n");
  std::vector<std::string> autos = as_nobody;
  const std::string events = dir + "/events";
  autos.insert(autos.end(),
               {"--engine", "auto", "-o", "/dev/null", "--json", events, "--", "true"});
  Outcome a = run_native(autos);
  EXPECT_EQ(a.exit_status, 0) << a.err;
  auto ev = read_events(events);
  std::system(("rm -rf '" + dir + "'").c_str());
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev[1]["engine"], "notify");
  EXPECT_EQ(ev[1]["reason"],
            "auto: the kernel engine cannot run: not root (CAP_BPF and CAP_PERFMON are needed)");
}

// Its programs see host ids: in a PID namespace of its own it is refused, and auto falls
// back (ci-isolation still holds kill -9 -1 there, on the notify engine).
TEST_F(KernelEngine, InAPidNamespaceItIsRefusedAndAutoFallsBack) {
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "util-linux unshare not installed";
  const std::vector<std::string> in_ns = {"/usr/bin/unshare", "--pid", "--fork", "--mount-proc"};
  Outcome probe = run_native({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "true"});
  if (probe.exit_status != 0) GTEST_SKIP() << "cannot create a pid namespace: " << probe.err;
  std::vector<std::string> kernel = in_ns;
  kernel.insert(kernel.end(),
                {SIGVISOR_BIN, "--engine", "kernel", "-o", "/dev/null", "--", "true"});
  Outcome k = run_native(kernel);
  EXPECT_EQ(k.exit_status, 1);
  EXPECT_EQ(k.err,
            "sigvisor: --engine kernel: sigvisor runs in a PID namespace of its own (the "
            "programs see host ids)\n");
  const std::string events = temp_path("events");
  std::vector<std::string> autos = in_ns;
  autos.insert(autos.end(),
               {SIGVISOR_BIN, "--engine", "auto", "-o", "/dev/null", "--json", events, "-P",
                "ci-isolation", "--no-landlock", "--", "/bin/sh", "-c", "kill -9 -1; echo rc=$?"});
  Outcome a = run_native(autos);
  EXPECT_EQ(a.exit_status, 0) << a.err;
  EXPECT_EQ(a.out, "rc=1\n");
  auto ev = read_events(events);
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev[1]["engine"], "notify");
  EXPECT_EQ(ev[1]["reason"],
            "auto: the kernel engine cannot run: sigvisor runs in a PID namespace of its own (the "
            "programs see host ids)");
  // Refused by the policy itself (no Landlock here): one deny, aimed at everyone.
  int denials = 0;
  for (const auto& e : ev) {
    if (e.value("event", "") == "syscall" && e.value("action", "") == "deny") {
      ++denials;
      EXPECT_EQ(e["args"]["pid"], -1) << e.dump();
      EXPECT_EQ(e["target"]["scope"], "all") << e.dump();
      EXPECT_EQ(e["rule"], "no-broadcast") << e.dump();
    }
  }
  EXPECT_EQ(denials, 1);
}

// Where the kernel engine cannot run (a kernel before 6.13, no BTF...), auto runs the notify
// engine and its engine event carries the very line --engine kernel says: shown by the
// kernel matrix's 6.1 and 6.12 guests; skipped where the kernel engine runs.
TEST(KernelEngineFallBack, AutoRunsNotifyAndNamesWhatIsMissing) {
  if (results_mode() || !test_engine().empty()) {
    GTEST_SKIP() << "runs --engine kernel and auto itself: once, in the suite's first copy";
  }
  Outcome k = run_native({SIGVISOR_BIN, "--engine", "kernel", "-o", "/dev/null", "--", "true"});
  if (k.exit_status == 0) GTEST_SKIP() << "the kernel engine runs here: nothing to fall back from";
  EXPECT_EQ(k.exit_status, 1);
  ASSERT_EQ(std::count(k.err.begin(), k.err.end(), '\n'), 1) << k.err;
  const std::string prefix = "sigvisor: --engine kernel: ";
  ASSERT_EQ(k.err.rfind(prefix, 0), 0u) << k.err;
  const std::string why = k.err.substr(prefix.size(), k.err.size() - prefix.size() - 1);
  const std::string events = temp_path("events");
  Outcome a = run_native({SIGVISOR_BIN, "--engine", "auto", "-o", "/dev/null", "--json", events,
                          "--", "/bin/sh", "-c", "echo ran"});
  EXPECT_EQ(a.exit_status, 0) << a.err;
  EXPECT_EQ(a.out, "ran\n");
  auto ev = read_events(events);
  unlink(events.c_str());
  ASSERT_GE(ev.size(), 2u);
  EXPECT_EQ(ev[1]["event"], "engine");
  EXPECT_EQ(ev[1]["engine"], "notify");
  EXPECT_EQ(ev[1]["reason"], "auto: the kernel engine cannot run: " + why);
}

// A policy the engine cannot honour is never half-applied: refused, or auto falls back.
TEST_F(KernelEngine, APolicyThatHoldsSignalsBackIsRefused) {
  const std::string policy = temp_path("policy") + ".json";
  {
    std::ofstream f(policy);
    f << R"({"name": "hold", "default": "allow", "rules": [
      {"name": "no-term", "match": {"event": "delivery", "sig": "TERM"}, "action": "deny"}]})";
  }
  Outcome k = run_native({SIGVISOR_BIN, "--engine", "kernel", "-P", policy, "--", "true"});
  EXPECT_EQ(k.exit_status, 1);
  EXPECT_EQ(k.err,
            "sigvisor: --engine kernel: the policy denies deliveries (a signal cannot be held "
            "back without ptrace)\n");
  Outcome a = run_sigvisor({"--engine", "auto", "-P", policy}, {"true"});
  unlink(policy.c_str());
  EXPECT_EQ(a.exit_status, 0) << a.err;
  const json* e = first_of(a, "engine");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ((*e)["engine"], "notify");
  EXPECT_EQ((*e)["reason"],
            "auto: the kernel engine cannot run: the policy denies deliveries (a signal cannot be "
            "held back without ptrace)");
}

// No ptrace at all: the tree is nobody's tracee, so a program that traces runs as natively.
TEST_F(KernelEngine, TheTreeIsNotPtraced) {
  Outcome r =
      run_sigvisor({"--engine", "kernel"}, {"/bin/sh", "-c", "grep TracerPid /proc/self/status"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "TracerPid:\t0\n");
  if (access("/usr/bin/strace", X_OK) != 0) return;
  Outcome s = run_sigvisor({"--engine", "kernel"}, {"strace", "-f", "-o", "/dev/null", "true"});
  EXPECT_EQ(s.exit_status, 0) << s.err;
}

// The BPF programs process `pid` holds: its descriptors' "prog_id" (/proc/PID/fdinfo).
std::set<long> programs_held_by(pid_t pid) {
  std::set<long> ids;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
  for (int fd = 0; fd < 1024; ++fd) {
    std::istringstream info(read_file(dir + "/" + std::to_string(fd)));
    std::string line;
    while (std::getline(info, line)) {
      if (line.rfind("prog_id:", 0) == 0) ids.insert(std::stol(line.substr(8)));
    }
  }
  return ids;
}

bool program_exists(long id) {
  Outcome r = run_native({"bpftool", "prog", "show", "id", std::to_string(id)});
  return r.exit_status == 0;
}

// Fail closed: kill -9 of sigvisor while a member spins sending SIGKILL to an outside
// canary (each call refused by ci-isolation). The kernel kills the tree when sigvisor's
// last thread exits, before one more call can reach the kernel unchecked; the canary is
// never hit, and the run's programs are gone. 100 times.
TEST_F(KernelEngine, KillingSigvisorKillsTheTreeFromTheKernel) {
  const bool have_bpftool = access("/usr/sbin/bpftool", X_OK) == 0;  // to look programs up
  Canary canary;
  for (int round = 0; round < 100; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string out = temp_path("spin");
    pid_t sv = fork();
    if (sv == 0) {
      int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      execl(SIGVISOR_BIN, SIGVISOR_BIN, "--engine", "kernel", "-P", "ci-isolation", "--no-landlock",
            "-o", "/dev/null", "--", example("kill_spin").c_str(),
            std::to_string(canary.pid()).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    pid_t member = 0;
    ASSERT_TRUE(eventually([&] {
      std::istringstream in(read_file(out));
      std::string word;
      return static_cast<bool>(in >> word >> member) && word == "spinning";
    })) << read_file(out);
    std::set<long> ids;
    if (have_bpftool && round % 10 == 0) ids = programs_held_by(sv);
    if (have_bpftool && round % 10 == 0) EXPECT_FALSE(ids.empty());
    kill(sv, SIGKILL);
    int st = 0;
    waitpid(sv, &st, 0);
    EXPECT_TRUE(eventually([&] { return !alive(member); })) << "member " << member << " lives on";
    EXPECT_TRUE(alive(canary.pid())) << read_file(out);
    EXPECT_EQ(read_file(out).find("killed"), std::string::npos) << read_file(out);
    for (long id : ids) EXPECT_TRUE(eventually([&] { return !program_exists(id); })) << id;
    unlink(out.c_str());
    if (HasFailure()) break;
  }
}

// The calls of mask_loop N that the events show (its SIG_BLOCK of an empty set).
long loop_calls(const Outcome& r) {
  long n = 0;
  for (const auto& e : of_kind(r, "syscall", "rt_sigprocmask")) {
    if (e["args"]["how"] == "SIG_BLOCK" && e["args"]["set"] == json::array()) ++n;
  }
  return n;
}

uint64_t dropped_total(const Outcome& r) {
  uint64_t total = 0;
  for (const auto& e : of_kind(r, "dropped")) total = std::max(total, e["total"].get<uint64_t>());
  return total;
}

// A storm past what a small buffer holds: the kernel drops, and every record lost is
// counted — the calls shown plus the records dropped account for every call made (a few
// other records of the run, its exec and exit, may be among the dropped). Reported as
// `dropped` events, on stderr, and in the -c table.
TEST_F(KernelEngine, LossIsCountedNeverSilent) {
  constexpr long kCalls = 500000;
  Outcome r = run_sigvisor({"--engine", "kernel", "--buffer", "64K"},
                           {example("mask_loop"), std::to_string(kCalls)}, 120);
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "calls " + std::to_string(kCalls) + "\n");
  const uint64_t dropped = dropped_total(r);
  ASSERT_GT(dropped, 0u) << "the storm did not fill a 64 KiB buffer";
  const long shown = loop_calls(r);
  EXPECT_GE(shown + static_cast<long>(dropped), kCalls);
  EXPECT_LE(shown + static_cast<long>(dropped), kCalls + 8);
  EXPECT_NE(r.err.find("records lost: the kernel's ring buffer was full"), std::string::npos)
      << r.err;
  EXPECT_NE(r.trace.find("--- dropped "), std::string::npos);
}

// Below the rate the default buffer holds, nothing is lost and every call is shown.
TEST_F(KernelEngine, BelowTheBuffersRateNothingIsLost) {
  constexpr long kCalls = 20000;
  Outcome r = run_sigvisor({"--engine", "kernel"}, {example("mask_loop"), std::to_string(kCalls)});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(dropped_total(r), 0u);
  EXPECT_EQ(loop_calls(r), kCalls);
  EXPECT_EQ(r.err.find("records lost"), std::string::npos) << r.err;
}

// Attach is not on this engine yet: refused in one line, never half-applied.
TEST_F(KernelEngine, AttachIsRefusedInOneLine) {
  Outcome r = run_native({SIGVISOR_BIN, "--engine", "kernel", "-p", "1"});
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(r.err, "sigvisor: --engine kernel: -p (attach) is not on this engine yet\n");
}

}  // namespace
}  // namespace sigvisor::test
