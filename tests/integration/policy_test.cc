// Issue 5 under real processes: ci-isolation denies what would escape (everyone, the
// runner's shell, pid 1, the supervisor) with EPERM while the tests' own signals work and
// an outside canary survives; untrusted aborts; a bad policy never starts the target.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "harness.h"

namespace sigvisor::test {
namespace {

using nlohmann::json;

std::vector<json> refused(const Outcome& r) {
  std::vector<json> out;
  for (const auto& e : of_kind(r, "syscall")) {
    if (e["action"] == "deny") out.push_back(e);
  }
  return out;
}

class PolicyRun : public SigvisorTest {};

TEST_F(PolicyRun, CiIsolationDeniesOutsideTargetsAndTheCanarySurvives) {
  Canary canary;
  std::string c = std::to_string(canary.pid());
  Outcome r =
      run_sigvisor({"-P", "ci-isolation"}, {"/bin/sh", "-c", "kill -9 " + c + "; echo rc=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.err;
  EXPECT_TRUE(alive(canary.pid()));
  auto denied = refused(r);
  ASSERT_EQ(denied.size(), 1u) << r.trace;
  EXPECT_EQ(denied[0]["syscall"], "kill");
  EXPECT_EQ(denied[0]["args"]["sig"], "SIGKILL");
  EXPECT_EQ(denied[0]["target"]["pid"], canary.pid());
  EXPECT_EQ(denied[0]["target"]["scope"], "outside");
  EXPECT_EQ(denied[0]["target"]["comm"], "sleep");
  EXPECT_EQ(denied[0]["rule"], "stay-inside");
  EXPECT_EQ(denied[0]["retval"], -1);
  EXPECT_EQ(denied[0]["errno"], "EPERM");
  EXPECT_EQ(
      lines_with(r.trace, "= -1 EPERM (Operation not permitted) (DENIED by rule \"stay-inside\")")
          .size(),
      1u)
      << r.trace;
  auto policy = of_kind(r, "policy");
  ASSERT_EQ(policy.size(), 1u);
  EXPECT_EQ(policy[0]["name"], "ci-isolation");
  EXPECT_EQ(policy[0]["hash"].get<std::string>().size(), 64u);
}

TEST_F(PolicyRun, CiIsolationProtectsInitAndTheSupervisor) {
  // Signal 0 probes without harm, were the denial ever to fail on the host's pid 1.
  Outcome r = run_sigvisor(
      {"-P", "ci-isolation"},
      {"/bin/sh", "-c", "kill -0 1; echo init=$?; kill -TERM $PPID; echo supervisor=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "init=1\nsupervisor=1\n");
  auto denied = refused(r);
  ASSERT_EQ(denied.size(), 2u) << r.trace;
  EXPECT_EQ(denied[0]["target"]["scope"], "init");
  EXPECT_EQ(denied[0]["rule"], "protect-init");
  EXPECT_EQ(denied[1]["target"]["scope"], "supervisor");
  EXPECT_EQ(denied[1]["rule"], "protect-supervisor");
  EXPECT_EQ(denied[1]["errno"], "EPERM");
}

TEST_F(PolicyRun, CiIsolationDeniesKillingTheParentShell) {
  std::string events = temp_path("events");
  // The outer shell runs sigvisor; the test inside tries to kill that shell ($$ of the
  // outer shell, expanded before the inner one starts).
  std::string script = std::string(SIGVISOR_BIN) + " -o /dev/null --json " + events +
                       " -P ci-isolation -- /bin/sh -c \"kill -TERM $$; echo inner=\\$?\"; "
                       "echo outer-alive status=$?";
  Outcome r = run_native({"/bin/sh", "-c", script});
  EXPECT_EQ(r.out, "inner=1\nouter-alive status=0\n") << r.err;
  auto ev = read_events(events);
  int denials = 0;
  for (const auto& e : ev) {
    if (e["event"] == "syscall" && e["action"] == "deny") {
      ++denials;
      EXPECT_EQ(e["target"]["scope"], "outside");
      EXPECT_EQ(e["target"]["comm"], "sh");
      EXPECT_EQ(e["rule"], "stay-inside");
    }
  }
  EXPECT_EQ(denials, 1);
}

TEST_F(PolicyRun, CiIsolationDeniesBroadcastInsideAPidNamespace) {
  // kill -9 -1 as root would end every process of this machine were the denial to fail:
  // run it where "every process" is a throwaway pid namespace.
  SKIP_ON_KERNEL_ENGINE(
      "the kernel engine refuses a PID namespace of its own "
      "(KernelEngine.InAPidNamespaceItIsRefusedAndAutoFallsBack)");
  if (access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "util-linux unshare not installed";
  Outcome probe = run_native({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/true"});
  if (probe.exit_status != 0) GTEST_SKIP() << "cannot create a pid namespace: " << probe.err;
  std::string events = temp_path("events");
  std::string script = std::string(SIGVISOR_BIN) + " -o /dev/null --json " + events +
                       " -P ci-isolation -- /bin/sh -c 'kill -9 -1; echo rc=$?'; echo after=$?";
  Outcome r =
      run_native({"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script});
  EXPECT_EQ(r.out, "rc=1\nafter=0\n") << r.err;
  auto ev = read_events(events);
  int denials = 0;
  for (const auto& e : ev) {
    if (e["event"] == "syscall" && e["action"] == "deny") {
      ++denials;
      EXPECT_EQ(e["args"]["pid"], -1);
      EXPECT_EQ(e["target"]["scope"], "all");
      EXPECT_EQ(e["rule"], "no-broadcast");
      EXPECT_EQ(e["errno"], "EPERM");
    }
  }
  EXPECT_EQ(denials, 1);
}

TEST_F(PolicyRun, BuiltInProtectionHoldsUnderTheDefaultPolicy) {
  Outcome r = run_sigvisor({}, {"/bin/sh", "-c", "kill -TERM $PPID; echo rc=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  auto denied = refused(r);
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0]["rule"], "protect-supervisor");
}

TEST_F(PolicyRun, CiIsolationLetsTestsSignalTheirOwnProcesses) {
  Outcome r = run_sigvisor({"-P", "ci-isolation"},
                           {"/bin/sh", "-c", "sleep 30 & kill -TERM $!; wait $!; echo status=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "status=143\n");
  EXPECT_TRUE(refused(r).empty()) << r.trace;
  bool sent = false;
  for (const auto& k : of_kind(r, "syscall", "kill")) {
    if (k["args"]["sig"] == "SIGTERM") {
      sent = true;
      EXPECT_EQ(k["action"], "allow");
      EXPECT_EQ(k["target"]["scope"], "child");
    }
  }
  EXPECT_TRUE(sent);
}

TEST_F(PolicyRun, CiIsolationAnswersEsrchForMissingPids) {
  // kill -0 on a pid that does not exist must keep saying "no such process".
  Outcome r = run_sigvisor({"-P", "ci-isolation"},
                           {"/bin/sh", "-c", "kill -0 4194305 2>/dev/null; echo rc=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  auto denied = refused(r);
  ASSERT_EQ(denied.size(), 1u);
  EXPECT_EQ(denied[0]["errno"], "ESRCH");
}

TEST_F(PolicyRun, UntrustedAbortsOnTheFirstEscapeAttempt) {
  Canary canary;
  Outcome r = run_sigvisor(
      {"-P", "untrusted"},
      {"/bin/sh", "-c",
       "sleep 30 & kill -0 $!; kill -TERM " + std::to_string(canary.pid()) + "; echo survived"});
  EXPECT_EQ(r.exit_status, 125) << r.err;
  EXPECT_EQ(r.out, "");  // the tree died before `echo`
  EXPECT_TRUE(alive(canary.pid()));
  std::vector<json> aborted;
  for (const auto& e : of_kind(r, "syscall")) {
    if (e["action"] == "abort") aborted.push_back(e);
  }
  ASSERT_EQ(aborted.size(), 1u) << r.trace;
  EXPECT_EQ(aborted[0]["rule"], "escape-attempt");
  EXPECT_EQ(aborted[0]["target"]["scope"], "outside");
  // The allowed probe of its own child came first.
  auto kills = of_kind(r, "syscall", "kill");
  ASSERT_GE(kills.size(), 2u);
  EXPECT_EQ(kills[0]["action"], "allow");
  EXPECT_EQ(kills[0]["target"]["scope"], "child");
  // No process of the tree outlives sigvisor.
  for (const auto& s : of_kind(r, "spawn")) EXPECT_FALSE(alive(s["child"]["pid"].get<int>()));
}

TEST_F(PolicyRun, BadPolicyExits2AndNeverStartsTheTarget) {
  std::string policy = temp_path("bad.json");
  std::ofstream(policy)
      << "{\"name\": \"x\", \"default\": \"allow\",\n \"rules\": [{\"name\": \"r\", "
         "\"match\": {\"sig\": [\"SIGFOO\"]}, \"action\": \"deny\"}]}\n";
  std::string marker = temp_path("marker");
  Outcome r = run_sigvisor({"-P", policy}, {"/usr/bin/touch", marker});
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(r.err, "sigvisor: " + policy + ": rules[0].match.sig[0]: unknown signal \"SIGFOO\"\n");
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the target ran with a bad policy";
  EXPECT_TRUE(r.events.empty());

  Outcome missing = run_sigvisor({"-P", "/nonexistent/policy.json"}, {"/usr/bin/touch", marker});
  EXPECT_EQ(missing.exit_status, 2);
  EXPECT_NE(missing.err.find("/nonexistent/policy.json"), std::string::npos) << missing.err;
  EXPECT_NE(access(marker.c_str(), F_OK), 0);
}

TEST_F(PolicyRun, RecordDeniedKeepsOnlyWhatWasNotAllowed) {
  // "record": "denied": allowed calls and deliveries leave no event; a denied call and a
  // logged one do, and the process events (exec, exit) are still there.
  std::string policy = temp_path("record-denied.json");
  std::ofstream(policy) << R"({"name": "quiet", "default": "allow", "record": "denied", "rules": [
      {"name": "no-init", "match": {"target": "init"}, "action": "deny"},
      {"name": "note-usr2", "match": {"syscall": "send", "sig": "USR2"}, "action": "log"}]})";
  Outcome r = run_sigvisor({"-P", policy}, {"/bin/sh", "-c",
                                            "trap : USR1 USR2; kill -USR1 $$; kill -USR2 $$; "
                                            "kill -0 1; echo rc=$?"});
  ASSERT_EQ(r.exit_status, 0) << r.err;
  EXPECT_EQ(r.out, "rc=1\n");
  expect_gapless(r);
  auto calls = of_kind(r, "syscall");
  ASSERT_EQ(calls.size(), 2u) << r.trace;
  EXPECT_EQ(calls[0]["action"], "log");
  EXPECT_EQ(calls[0]["args"]["sig"], "SIGUSR2");
  EXPECT_EQ(calls[0]["rule"], "note-usr2");
  EXPECT_EQ(calls[1]["action"], "deny");
  EXPECT_EQ(calls[1]["rule"], "no-init");
  EXPECT_TRUE(of_kind(r, "signal").empty()) << r.trace;  // both deliveries were allowed
  EXPECT_EQ(of_kind(r, "exec").size(), 1u);
  EXPECT_EQ(of_kind(r, "exit").size(), 1u);
}

}  // namespace
}  // namespace sigvisor::test
