// For the attach tests (attach_test.cc): a program started natively, outside sigvisor,
// with its stdin and stdout on pipes (so a test can command it and read what it printed,
// before, during and after sigvisor attached to it), and `sigvisor -p` started on it.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.h"

namespace sigvisor::test {

// Skips where sigvisor cannot run, and in the --results copy of the suite (attach mode
// decides every call at ptrace stops anyway: the runs would be the same).
class AttachTest : public SigvisorTest {
 protected:
  void SetUp() override;
};

// A syscall event of `name` made by process `pid`.
bool is_call(const nlohmann::json& e, const std::string& name, pid_t pid);
// Checks attach_target's "tick N usr1=M kill=R errno=E" lines: N runs on without a gap;
// with `delivered`, each tick's SIGUSR1 was delivered before its line (M == N+1); kill
// succeeded or failed with the test policies' EACCES, never otherwise (a call skipped at
// entry and detached before its exit would say ENOSYS). Returns the number of ticks.
int check_ticks(const std::string& out, bool delivered);
// What sigvisor's control loop wakes its dispatcher with (kTracerWakeSignal,
// src/engine/notify/detaching_tree.h).
constexpr int kTracerWakeSignal = SIGURG;

// A native process of ours to attach to. Killed and reaped when destroyed.
class NativeTarget {
 public:
  explicit NativeTarget(const std::vector<std::string>& argv);
  ~NativeTarget();
  NativeTarget(const NativeTarget&) = delete;
  NativeTarget& operator=(const NativeTarget&) = delete;

  pid_t pid() const { return pid_; }
  // Writes one command line to its stdin.
  void command(const std::string& line);
  // Reads its stdout until a line contains `needle` (bounded: a liveness wait); true if
  // one did. Lines read so far are kept in output().
  bool read_until(const std::string& needle, int seconds = 20);
  const std::string& output() const { return out_; }
  // Reads what it printed so far without waiting (keeps a chatty target from blocking).
  void drain();
  // Waits for its exit (bounded); its wait status, or -1.
  int wait_exit(int seconds = 20);

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_fd_ = -1;
  std::string out_;
  bool reaped_ = false;
};

// `sigvisor -o TRACE --json EVENTS ARGS...`, stderr to a file.
class AttachedSigvisor {
 public:
  explicit AttachedSigvisor(const std::vector<std::string>& args);
  ~AttachedSigvisor();  // SIGKILL if still running
  AttachedSigvisor(const AttachedSigvisor&) = delete;
  AttachedSigvisor& operator=(const AttachedSigvisor&) = delete;

  pid_t pid() const { return pid_; }
  std::vector<nlohmann::json> events() const;
  // Until an event satisfies `pred` (bounded).
  bool has_event(const std::function<bool(const nlohmann::json&)>& pred, int seconds = 20) const;
  // Waits for sigvisor's exit (bounded); its exit status, 128+N if killed by N, -1.
  int wait_exit(int seconds = 30);
  std::string messages() const;  // its stderr
  std::string trace() const;

 private:
  pid_t pid_ = -1;
  std::string dir_;
  bool reaped_ = false;
};

// Holds sigvisor's tracer thread (its main thread, which runs the stop dispatcher) in a
// ptrace stop of the test's own, while its other threads (the control loop) run on: a
// request made meanwhile (SIGINT to sigvisor) reaches the dispatcher only when it is let
// go, with the program held in whatever stop it had reached. This makes "the detach
// comes while the program is in stop X" deterministic.
class TracerHold {
 public:
  explicit TracerHold(pid_t sigvisor);  // PTRACE_SEIZE of its main thread
  ~TracerHold();                        // lets it go if still held
  TracerHold(const TracerHold&) = delete;
  TracerHold& operator=(const TracerHold&) = delete;

  bool ok() const { return seized_; }
  // Where the dispatcher was stopped (PTRACE_INTERRUPT): asleep in its waitpid() with no
  // stop collected (whatever stop the program reaches next waits for it), just back from
  // waitpid() with a stop it will now handle, or elsewhere.
  enum class Held : uint8_t { asleep, collected, elsewhere, failed };
  Held freeze();
  void thaw();    // PTRACE_CONT: the dispatcher goes on
  void let_go();  // PTRACE_DETACH: untraced again, whatever it was sent meanwhile pending
  // Whether `sig` waits in the dispatcher thread's own pending set (it was woken).
  bool pending(int sig) const;

 private:
  const pid_t sv_;
  bool seized_ = false;
};

// /proc/PID/syscall once the program is in a ptrace stop (bounded), or "".
std::string syscall_of(pid_t pid);
// TracerPid of /proc/PID/status (or of one thread), -1 if unreadable.
pid_t tracer_of(pid_t pid, pid_t tid = 0);
// Every thread id of a process.
std::vector<pid_t> threads_of(pid_t pid);
// Whether `sig` is in the process-wide pending set (ShdPnd) of `pid`.
bool shared_pending(pid_t pid, int sig);

}  // namespace sigvisor::test
