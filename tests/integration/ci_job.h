// A CI job (examples/ci_job.c: a runner and its worker, logging the signals they see) as
// the cancel protocols' tests start, cancel and read it, natively and under sigvisor
// (ci_protocol_test.cc, ci_timeout_repeat_test.cc, ci_container_test.cc). Header-only:
// the job is started the way a runner starts one (a process group of its own, stdin
// /dev/null, stdout and stderr to files), so a test can signal its pid or its group.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"
#include "kernel/proc_reader.h"

namespace sigvisor::test {

// What each process of the job saw, in order ("SIGINT", "SIGTERM", and the runner's
// "worker exited 7" / "worker killed by signal 9"), and how the job's top process
// ended ("exit 7", "signal 9").
struct JobView {
  std::vector<std::string> runner;
  std::vector<std::string> worker;
  std::string status;
  bool operator==(const JobView&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const JobView& v) {
  auto list = [&](const std::vector<std::string>& l) {
    os << '[';
    for (std::size_t i = 0; i < l.size(); ++i) os << (i ? ", " : "") << l[i];
    os << ']';
  };
  os << "runner ";
  list(v.runner);
  os << ", worker ";
  list(v.worker);
  return os << ", " << v.status;
}

inline std::string status_text(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "signal " + std::to_string(WTERMSIG(wait_status));
  return "status " + std::to_string(wait_status);
}

// The job's log, per process.
inline JobView read_job_log(const std::string& log) {
  JobView v;
  std::istringstream in(read_file(log));
  std::string line;
  while (std::getline(in, line)) {
    const auto sp = line.find(' ');
    if (sp == std::string::npos) continue;
    const std::string who = line.substr(0, sp);
    (who == "runner" ? v.runner : v.worker).push_back(line.substr(sp + 1));
  }
  return v;
}

// How many lines `role` ("runner", "worker") logged saying `what`.
inline std::size_t logged(const std::string& log, const std::string& role,
                          const std::string& what) {
  const JobView v = read_job_log(log);
  const auto& l = role == "runner" ? v.runner : v.worker;
  return static_cast<std::size_t>(std::count(l.begin(), l.end(), what));
}

// One job: its top process (the job itself, sigvisor, timeout, unshare) and its files.
struct StartedJob {
  pid_t pid = -1;
  std::string dir;
  std::string log() const { return dir + "/log"; }
  std::string out() const { return dir + "/out"; }
  std::string err() const { return dir + "/err"; }
  std::string events() const { return dir + "/events"; }
  int status = -1;  // the top process's wait status, once reaped
  bool reaped = false;

  // "ready RUNNER WORKER": both handlers are in place.
  bool ready() const { return read_file(out()).find("ready") != std::string::npos; }
  // The runner's and worker's pids as they printed them (their own pid namespace's).
  std::pair<pid_t, pid_t> pids() const {
    std::istringstream in(read_file(out()));
    std::string word;
    pid_t r = 0, w = 0;
    while (in >> word) {
      if (word == "ready") in >> r >> w;
    }
    return {r, w};
  }
  // Whether the top process is blocked in system call `nr` (/proc/PID/syscall).
  // timeout(1) forks the job and only then records its pid: a signal that comes before
  // it returned from fork() makes it _exit(143) without signalling anyone (natively
  // too). Once it waits in rt_sigsuspend it has, and a cancel can be sent.
  bool top_waits_in(long nr) const {
    const std::string s = read_file("/proc/" + std::to_string(pid) + "/syscall");
    return s.rfind(std::to_string(nr) + " ", 0) == 0;
  }
  bool timeout_ready() const { return top_waits_in(SYS_rt_sigsuspend); }
  // Reaps the top process if it ended; true once it has.
  bool ended() {
    if (reaped) return true;
    if (waitpid(pid, &status, WNOHANG) == pid) reaped = true;
    return reaped;
  }
  // Waits for the top process (bounded: a liveness wait; killed and failed after 60 s).
  int wait() {
    if (!eventually([&] { return ended(); }, 60)) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      reaped = true;
      ADD_FAILURE() << "the job did not end";
    }
    return status;
  }
  // What the job saw, once it ended.
  JobView view() {
    const std::string status = status_text(wait());
    JobView v = read_job_log(log());
    v.status = status;
    return v;
  }
};

// A fresh directory for one job's files.
inline std::string job_dir() {
  std::string p = temp_path("job");
  return p.substr(0, p.rfind('/'));
}

// Starts `argv` as a runner starts a job: a process group of its own (so `-pid` names
// the job's group), stdin /dev/null, stdout and stderr to the job's files.
inline StartedJob start_job(const std::vector<std::string>& argv, const std::string& dir) {
  StartedJob j;
  j.dir = dir;
  j.pid = fork();
  if (j.pid == 0) {
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out = open(j.out().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(j.err().c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> a;
    for (const auto& x : argv) a.push_back(const_cast<char*>(x.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(99);
  }
  setpgid(j.pid, j.pid);
  return j;
}

// The job itself: ci_job LOG [relay].
inline std::vector<std::string> job_command(const std::string& dir, bool relay = false) {
  std::vector<std::string> c = {example("ci_job"), dir + "/log"};
  if (relay) c.push_back("relay");
  return c;
}

// sigvisor -o /dev/null --json EVENTS [policy] [--results] [extra] -- command.
inline std::vector<std::string> under_sigvisor(const std::string& policy, const std::string& dir,
                                               const std::vector<std::string>& command,
                                               const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a = {SIGVISOR_BIN, "-o", "/dev/null", "--json", dir + "/events"};
  for (const auto& p : policy_args(policy)) a.push_back(p);
  if (results_mode()) a.push_back("--results");
  a.insert(a.end(), extra.begin(), extra.end());
  a.push_back("--");
  a.insert(a.end(), command.begin(), command.end());
  return a;
}

// Every process below `top` (children, their children...), by a scan of /proc.
inline std::vector<pid_t> descendants(pid_t top) {
  std::vector<std::pair<pid_t, pid_t>> all;  // pid, parent
  for (pid_t p : list_processes().value_or(std::vector<pid_t>{})) {
    if (auto st = read_stat(p)) all.emplace_back(p, st->ppid);
  }
  std::vector<pid_t> out = {top};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const auto& [p, parent] : all) {
      if (parent == out[i]) out.push_back(p);
    }
  }
  out.erase(out.begin());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sigvisor::test
