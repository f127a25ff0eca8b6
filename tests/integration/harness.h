// Runs the built sigvisor on a program and collects what it reported: exit status,
// the program's stdout/stderr, sigvisor's text trace and its JSON events.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace sigvisor::test {

struct Outcome {
  int exit_status = -1;                // sigvisor's exit status (or 128+N if it died of signal N)
  int wait_status = 0;                 // the raw status its parent's waitpid() saw (WIFSIGNALED...)
  std::string out;                     // stdout (the program's)
  std::string err;                     // stderr (the program's and sigvisor's messages)
  std::string trace;                   // -o text trace
  std::vector<nlohmann::json> events;  // --json events, in file order
};

// The unprivileged user policies marked "require_user" run programs as when the suite
// runs as root (run_sigvisor adds `--user` for -P untrusted).
inline constexpr const char* kUntrustedTestUser = "nobody";
inline constexpr uid_t kUntrustedTestUid = 65534;

// sigvisor -o TRACE --json EVENTS [sigvisor_args...] -- command...
// Kills everything and fails the test if it runs longer than `timeout_s`.
Outcome run_sigvisor(const std::vector<std::string>& sigvisor_args,
                     const std::vector<std::string>& command, int timeout_s = 60);
// Whether this copy of the suite runs every sigvisor with --results (every call decided at
// ptrace stops; SIGVISOR_TEST_DECISION_MODE=results): tests about the notify path's own
// output skip then.
bool results_mode();
// The engine this copy of the suite runs every sigvisor on: $SIGVISOR_ENGINE, which
// sigvisor itself reads when no --engine is given ("kernel", "notify"), or "" for its own
// default; tests that need one engine pass --engine.
std::string test_engine();
bool kernel_engine_mode();
// The sigvisor arguments this copy of the suite adds to every run ({"--results"} or
// none): for tests that start sigvisor from a shell. (The engine comes from the
// environment, $SIGVISOR_ENGINE, for every sigvisor however started.)
std::vector<std::string> variant_args();
// Empty when the engine this copy runs on can run here; otherwise why not (asked once:
// sigvisor --engine kernel -- true, whose one line names the missing piece).
std::string missing_test_engine();
// Empty when `sigvisor --engine kernel -- true` runs here; otherwise its one line (asked
// once per test process).
std::string kernel_engine_refusal();
// A test about what only the notify engine has (ptrace stops, the tracefs trace, attach):
// skipped, with the reason, in the kernel engine's copy of the suite.
#define SKIP_ON_KERNEL_ENGINE(why)                                     \
  do {                                                                 \
    if (::sigvisor::test::kernel_engine_mode()) GTEST_SKIP() << (why); \
  } while (0)
// The policies a transparency test runs under besides the default: what a program sees
// must not depend on them (DESIGN.md section 6). Use with ::testing::Combine.
inline const std::vector<std::string>& transparency_policies() {
  static const std::vector<std::string> p = {"default", "ci-isolation"};
  return p;
}
// sigvisor arguments that select such a policy ("default": none).
inline std::vector<std::string> policy_args(const std::string& policy) {
  if (policy == "default") return {};
  return {"-P", policy};
}
// Whether the run used the kernel trace (sigvisor said nothing of it being unavailable).
bool kernel_trace_used(const Outcome& r);
// Empty when sigvisor can use the kernel trace here (root, tracefs mounted or mountable);
// otherwise the reason to skip a test that needs it.
std::string missing_kernel_trace();
// sigvisor's stderr without its documented one-line notes about the kernel (its trace
// unavailable, no Landlock signal scope: kernel/kernel_features.h is_kernel_note), for
// tests that compare it with a native run's: they depend on the kernel, not on the run.
std::string without_kernel_notes(const std::string& err);
// The same program natively (for comparisons); stdout only.
Outcome run_native(const std::vector<std::string>& command, int timeout_s = 60);

std::string example(const std::string& name);  // path of a built example program

// Events of one kind (and syscall name, for syscall events).
std::vector<nlohmann::json> of_kind(const Outcome& r, const std::string& event,
                                    const std::string& syscall = "");
// Asserts seq starts at 0 and has no gap or repeat.
void expect_gapless(const Outcome& r);

// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

}  // namespace sigvisor::test

namespace sigvisor::test {

// Empty when the kernel can run sigvisor here; otherwise the reason to skip.
std::string missing_kernel_feature();

// Integration fixture: skips (with the reason) where seccomp user notification or
// ptrace is unavailable, and checks every run's seq is gapless.
class SigvisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto why = missing_kernel_feature(); !why.empty()) GTEST_SKIP() << why;
    if (auto why = missing_test_engine(); !why.empty()) GTEST_SKIP() << why;
  }
};

}  // namespace sigvisor::test

namespace sigvisor::test {

// Appends event lines to $SIGVISOR_EVENTS_LOG (set by ctest), which the events_schema
// test validates after the suite; for runs that do not go through run_sigvisor.
void append_events_log(const std::string& lines);
// Parses a JSON Lines event file written by `sigvisor --json FILE` (for runs that start
// sigvisor from a shell, where run_sigvisor does not fit). Once sigvisor has exited every
// line must be whole (a partial one throws); while it runs (`writer_live`), the last line
// may still be half written — the writer's batch crossed a stdio buffer — and is left
// for the next look.
std::vector<nlohmann::json> read_events(const std::string& path, bool writer_live = false);
// A fresh path in /tmp for such a file.
std::string temp_path(const std::string& stem);
// True while `pid` exists (and is not a zombie).
bool alive(pid_t pid);
// The one-letter state (R, S, T, t, Z...) of /proc/PID/stat, or of /proc/PID/task/TID/stat
// when tid > 0; 0 when it cannot be read.
char task_state(pid_t pid, pid_t tid = 0);

// Waits (bounded: this is a liveness wait, not a timed assertion) until `pred` holds.
template <typename Pred>
bool eventually(Pred pred, int seconds = 20) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}
// The whole contents of a file ("" when it cannot be read).
std::string read_file(const std::string& path);

// A `sleep 60` outside the sandbox for programs to aim at; killed when destroyed.
class Canary {
 public:
  Canary();
  ~Canary();
  Canary(const Canary&) = delete;
  Canary& operator=(const Canary&) = delete;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace sigvisor::test
