// For the attach tests (attach_test.cc): a program started natively, outside sigvisor,
// with its stdin and stdout on pipes (so a test can command it and read what it printed,
// before, during and after sigvisor attached to it), and `sigvisor -p` started on it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sigvisor::test {

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

// TracerPid of /proc/PID/status (or of one thread), -1 if unreadable.
pid_t tracer_of(pid_t pid, pid_t tid = 0);
// Every thread id of a process.
std::vector<pid_t> threads_of(pid_t pid);
// Whether `sig` is in the process-wide pending set (ShdPnd) of `pid`.
bool shared_pending(pid_t pid, int sig);

}  // namespace sigvisor::test
