// Issue 4's scenarios: signal deliveries name their true sender (outside senders too),
// forged caller-written siginfos are flagged, job control works as natively, deaths by
// SIGKILL name the killer, delivery rules keep signals away, and --graph draws the flow.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "harness.h"

namespace sigvisor::test {
std::string temp_path(const std::string& stem);  // harness.cc
}  // namespace sigvisor::test

namespace sigvisor::test {
namespace {

using nlohmann::json;

// Waits (bounded) until wait_signals' progress file says COUNT >= n; returns its pid or 0.
pid_t wait_progress(const std::string& file, int n) {
  for (int i = 0; i < 6000; ++i) {
    std::istringstream in(read_file(file));
    int pid = 0;
    int count = -1;
    if (in >> pid >> count && count >= n) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

// Starts a program outside the sandbox and leaves it unreaped: a zombie keeps its pid and
// name in /proc, so the supervisor can name it however fast it exits.
pid_t spawn_unreaped(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int reap(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool procps_kill_has_queue() {
  if (access("/bin/kill", X_OK) != 0) return false;
  std::FILE* p = popen("/bin/kill --help 2>&1", "r");
  if (p == nullptr) return false;
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  return out.find("--queue") != std::string::npos;
}

std::vector<json> signals_to(const Outcome& r, int pid, const std::string& sig) {
  std::vector<json> out;
  for (const auto& s : of_kind(r, "signal")) {
    if (s["pid"] == pid && s["sig"] == sig) out.push_back(s);
  }
  return out;
}

class Delivery : public SigvisorTest {};

TEST_F(Delivery, OutsideSendersAreNamedWithPidCommAndScope) {
  if (access("/bin/kill", X_OK) != 0) GTEST_SKIP() << "procps /bin/kill is not installed";
  // Debian 12: procps-ng's /bin/kill has -q/--queue (util-linux's kill is not shipped).
  const bool queue = procps_kill_has_queue();
  std::string file = temp_path("progress");
  auto run = std::async(std::launch::async, [&] {
    return run_sigvisor({}, {example("wait_signals"), file, queue ? "2" : "1"});
  });
  pid_t target = wait_progress(file, 0);
  ASSERT_GT(target, 0) << "wait_signals never started";
  pid_t k1 = spawn_unreaped({"/bin/kill", "-USR1", std::to_string(target)});
  ASSERT_EQ(wait_progress(file, 1), target);
  pid_t k2 = 0;
  if (queue) k2 = spawn_unreaped({"/bin/kill", "-q", "5", "-s", "USR1", std::to_string(target)});
  Outcome r = run.get();
  EXPECT_EQ(reap(k1), 0);
  if (k2 > 0) EXPECT_EQ(reap(k2), 0);
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  expect_gapless(r);

  auto got = signals_to(r, target, "SIGUSR1");
  ASSERT_EQ(got.size(), queue ? 2u : 1u) << r.trace;
  EXPECT_EQ(got[0]["code"], "SI_USER");
  EXPECT_EQ(got[0]["sender"]["pid"], k1);
  EXPECT_EQ(got[0]["sender"]["comm"], "kill");
  EXPECT_EQ(got[0]["sender"]["scope"], "outside");
  EXPECT_EQ(got[0]["sender"]["uid"], getuid());
  EXPECT_EQ(got[0]["forged"], false);
  EXPECT_EQ(got[0]["claimed"], nullptr);
  EXPECT_EQ(got[0]["action"], "deliver");
  EXPECT_EQ(lines_with(r.trace, "(from " + std::to_string(k1) + " \"kill\", outside)").size(), 1u)
      << r.trace;
  if (!queue) GTEST_SKIP() << "/bin/kill has no --queue: the SI_QUEUE case was not run";
  // SI_QUEUE from outside: si_pid is a claim that only the kernel trace can check (it saw
  // the call); without it the pid names the sender, unverified.
  const bool checked = kernel_trace_used(r);
  EXPECT_EQ(got[1]["code"], "SI_QUEUE");
  EXPECT_EQ(got[1]["info"]["si_int"], 5);
  EXPECT_EQ(got[1]["sender"]["pid"], k2);
  EXPECT_EQ(got[1]["sender"]["comm"], "kill");
  EXPECT_EQ(got[1]["sender"]["scope"], "outside");
  EXPECT_EQ(got[1]["forged"], false);
  EXPECT_EQ(got[1]["claimed"]["pid"], k2);
  EXPECT_EQ(got[1]["claimed"]["checked"], checked);
  const std::string unverified = checked ? ")" : ", unverified)";
  EXPECT_EQ(
      lines_with(r.trace, "(from " + std::to_string(k2) + " \"kill\", outside" + unverified).size(),
      1u)
      << r.trace;
}

struct QueueCase {
  std::vector<std::string> sigvisor_args;
  std::vector<std::string> args;
  bool forged;
};

TEST_F(Delivery, ForgedSigqueueIsFlaggedAndHonestOneIsNot) {
  const QueueCase cases[] = {
      {{}, {"forge"}, true},
      {{}, {}, false},
      // --results: the call is still at its exit stop when the signal arrives.
      {{"--results=rt_sigqueueinfo"}, {"forge"}, true},
      {{"--results=rt_sigqueueinfo"}, {}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE((c.forged ? "forged" : "honest") +
                 std::string(c.sigvisor_args.empty() ? "" : " --results"));
    std::vector<std::string> cmd = {example("queue_handler")};
    cmd.insert(cmd.end(), c.args.begin(), c.args.end());
    Outcome r = run_sigvisor(c.sigvisor_args, cmd);
    ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
    auto spawns = of_kind(r, "spawn");
    ASSERT_EQ(spawns.size(), 1u);
    int parent = spawns[0]["pid"];
    int child = spawns[0]["child"]["pid"];
    auto got = signals_to(r, child, "SIGUSR1");
    ASSERT_EQ(got.size(), 1u) << r.trace;
    const json& s = got[0];
    EXPECT_EQ(s["code"], "SI_QUEUE");
    EXPECT_EQ(s["forged"], c.forged);
    EXPECT_EQ(s["sender"]["pid"], parent);  // the true sender, whatever it claimed
    EXPECT_EQ(s["sender"]["comm"], "queue_handler");
    EXPECT_EQ(s["sender"]["scope"], "sandbox");
    EXPECT_EQ(s["claimed"]["checked"], true);
    EXPECT_EQ(s["claimed"]["pid"], c.forged ? 1 : parent);
    EXPECT_EQ(s["claimed"]["uid"], c.forged ? 12345u : getuid());
    std::string tail = "(from " + std::to_string(parent) + " \"queue_handler\", sandbox" +
                       (c.forged ? ", forged)" : ")");
    auto lines = lines_with(r.trace, "--- SIGUSR1 ");
    ASSERT_EQ(lines.size(), 1u) << r.trace;
    EXPECT_TRUE(lines[0].ends_with(tail)) << lines[0];
  }
}

TEST_F(Delivery, JobControlStopAndContinueWorkAsNatively) {
  if (access("/bin/bash", X_OK) != 0) GTEST_SKIP() << "bash is not installed";
  // A job blocked reading a fifo is stopped, fed while stopped (it must stay stopped),
  // continued, and waited for. Under ptrace a group-stopped task shows 't' (tracing stop)
  // where it natively shows 'T': the kernel keeps a PTRACE_LISTENing tracee traced.
  const std::string script = R"(set -m
d=$(mktemp -d); mkfifo $d/f; exec 3<>$d/f
( read -r l <&3; echo "job read $l" ) &
j=$!
kill -STOP %1
st() { s=$(cut -d' ' -f3 /proc/$1/stat | tr t T); }
for i in $(seq 3000); do st $j; [ "$s" = T ] && break; sleep 0.01; done
echo "stopped state $s"
echo hello >&3
st $j; echo "after write state $s"
kill -CONT %1
wait $j; echo "job status $?"
rm -rf $d
)";
  Outcome native = run_native({"/bin/bash", "-c", script});
  ASSERT_EQ(native.exit_status, 0) << native.err;
  ASSERT_EQ(native.out, "stopped state T\nafter write state T\njob read hello\njob status 0\n");
  Outcome r = run_sigvisor({}, {"/bin/bash", "-c", script});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  EXPECT_EQ(r.out, native.out);
  expect_gapless(r);
  bool stop_sent = false;
  for (const auto& k : of_kind(r, "syscall", "kill")) {
    if (k["args"]["sig"] == "SIGSTOP" && k["target"]["scope"] == "group") stop_sent = true;
  }
  EXPECT_TRUE(stop_sent) << r.trace;
  int stops = 0;
  int conts = 0;
  for (const auto& s : of_kind(r, "signal")) {
    if (s["sig"] == "SIGSTOP" && s["sender"]["scope"] == "sandbox") ++stops;
    if (s["sig"] == "SIGCONT" && s["sender"]["scope"] == "sandbox") ++conts;
  }
  EXPECT_GE(stops, 1) << r.trace;
  EXPECT_GE(conts, 1) << r.trace;
}

TEST_F(Delivery, DeathsSaySignalOrStatusAndNameTheSigkillSender) {
  for (const std::string how : {"tgkill", "pidfd"}) {
    SCOPED_TRACE(how);
    Outcome r = run_sigvisor({}, {example("kill_variants"), how});
    if (r.exit_status == 3) GTEST_SKIP() << "kernel lacks pidfd_open/pidfd_send_signal";
    ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
    auto spawns = of_kind(r, "spawn");
    ASSERT_EQ(spawns.size(), 1u);
    int parent = spawns[0]["pid"];
    int child = spawns[0]["child"]["pid"];
    bool died = false;
    for (const auto& e : of_kind(r, "exit")) {
      if (e["pid"] != child) continue;
      died = true;
      EXPECT_EQ(e["status"]["signal"], "SIGKILL");
      ASSERT_TRUE(e["killer"].is_object()) << e.dump();
      EXPECT_EQ(e["killer"]["pid"], parent);
      EXPECT_EQ(e["killer"]["comm"], "kill_variants");
      EXPECT_EQ(e["killer"]["scope"], "sandbox");
      // The kernel engine reads every sender where the kernel sends, this one too.
      EXPECT_EQ(e["killer"]["source"], kernel_engine_mode() ? "kernel" : "intercepted");
    }
    EXPECT_TRUE(died);
    std::string p = std::to_string(parent);
    std::string c = std::to_string(child);
    EXPECT_EQ(lines_with(r.trace, "+++ killed by SIGKILL +++ (SIGKILL: kill_variants(" + p +
                                      ") -> kill_variants(" + c + "), sandbox)")
                  .size(),
              1u)
        << r.trace;
  }
  Outcome three = run_sigvisor({}, {"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(three.exit_status, 3);
  EXPECT_EQ(lines_with(three.trace, "+++ exited with 3 +++").size(), 1u) << three.trace;
}

TEST_F(Delivery, DeliveryRuleKeepsOutsideSigintAwayAndDefaultDelivers) {
  SKIP_ON_KERNEL_ENGINE("a delivery rule that denies needs ptrace's delivery stops");
  if (access("/bin/kill", X_OK) != 0) GTEST_SKIP() << "procps /bin/kill is not installed";
  std::string policy = temp_path("policy.json");
  std::ofstream(policy) << R"({"name": "keep-sigint-out", "default": "allow", "rules": [
    {"name": "no-outside-sigint", "match": {"event": "delivery", "sig": ["SIGINT"],
     "sender": ["outside"]}, "action": "deny"}]})";
  for (bool with_policy : {true, false}) {
    SCOPED_TRACE(with_policy ? "policy" : "default");
    std::string file = temp_path("progress");
    std::vector<std::string> args;
    if (with_policy) args = {"-P", policy};
    auto run = std::async(std::launch::async, [&] {
      return run_sigvisor(args, {example("wait_signals"), file, "1"});
    });
    pid_t target = wait_progress(file, 0);
    ASSERT_GT(target, 0) << "wait_signals never started";
    pid_t k = spawn_unreaped({"/bin/kill", "-INT", std::to_string(target)});
    EXPECT_EQ(reap(k), 0);
    // SIGINT (2) sorts before SIGUSR1 (10): if both are pending, SIGINT is delivered first.
    if (with_policy) reap(spawn_unreaped({"/bin/kill", "-USR1", std::to_string(target)}));
    Outcome r = run.get();
    auto ints = signals_to(r, target, "SIGINT");
    ASSERT_EQ(ints.size(), 1u) << r.trace;
    EXPECT_EQ(ints[0]["sender"]["pid"], k);
    EXPECT_EQ(ints[0]["sender"]["scope"], "outside");
    if (with_policy) {
      EXPECT_EQ(r.exit_status, 0) << "SIGINT reached the job: " << r.err << r.trace;
      EXPECT_EQ(ints[0]["action"], "suppress");
      EXPECT_EQ(ints[0]["rule"], "no-outside-sigint");
      EXPECT_EQ(lines_with(r.trace, "(SUPPRESSED by rule \"no-outside-sigint\")").size(), 1u)
          << r.trace;
      EXPECT_EQ(signals_to(r, target, "SIGUSR1").size(), 1u);
    } else {
      EXPECT_EQ(r.exit_status, 128 + SIGINT) << r.err << r.trace;
      EXPECT_EQ(ints[0]["action"], "deliver");
      EXPECT_EQ(ints[0]["rule"], nullptr);
    }
  }
}

TEST_F(Delivery, GraphOfThreeProcessesHasTheExpectedEdges) {
  std::string policy = temp_path("policy.json");
  std::ofstream(policy) << R"({"name": "no-usr2", "default": "allow", "rules": [
    {"name": "no-usr2", "match": {"syscall": ["kill"], "sig": ["SIGUSR2"]}, "action": "deny"}]})";
  std::string dot = temp_path("flow.dot");
  Outcome r = run_sigvisor({"-P", policy, "--graph", dot}, {example("signal_tree")});
  ASSERT_EQ(r.exit_status, 0) << r.err << r.trace;
  auto spawns = of_kind(r, "spawn");
  ASSERT_EQ(spawns.size(), 2u);
  std::string parent = "p" + std::to_string(spawns[0]["pid"].get<int>());
  std::string b = "p" + std::to_string(spawns[0]["child"]["pid"].get<int>());
  std::string a = "p" + std::to_string(spawns[1]["child"]["pid"].get<int>());
  std::string text = read_file(dot);
  ASSERT_FALSE(text.empty()) << r.err;
  auto has_line = [&](const std::string& line) {
    return lines_with(text, line).size() == 1 && text.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has_line("  " + a + " -> " + b + " [label=\"SIGUSR1 x2\"];")) << text;
  EXPECT_TRUE(has_line("  " + parent + " -> " + b + " [label=\"SIGTERM x1\"];")) << text;
  EXPECT_TRUE(has_line("  " + parent + " -> " + b +
                       " [label=\"SIGUSR2 x1 denied\", style=dashed, color=red, fontcolor=red];"))
      << text;
  EXPECT_TRUE(has_line("  " + a + " [label=\"signal_tree(" + a.substr(1) + ")\"];")) << text;
  EXPECT_TRUE(std::regex_search(
      text, std::regex("  kernel -> " + parent + " \\[label=\"SIGCHLD x[12]\"\\];")))
      << text;
  // Every edge: the three sends and the kernel's SIGCHLDs, nothing else.
  EXPECT_EQ(lines_with(text, " -> ").size(), 4u) << text;
  std::string svg = dot.substr(0, dot.size() - 4) + ".svg";
  if (access("/usr/bin/dot", X_OK) == 0) {
    EXPECT_NE(read_file(svg).find("<svg"), std::string::npos) << r.err;
  } else {
    EXPECT_NE(r.err.find("Graphviz 'dot' is not installed"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace sigvisor::test
