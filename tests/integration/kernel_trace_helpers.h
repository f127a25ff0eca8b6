// What the kernel-trace tests share (kernel_trace_test.cc: senders; kernel_trace_slots_
// test.cc: the tracefs slots' life): which slot a sigvisor holds, a slot's state after a
// run, an outside killer, a sleeping target under sigvisor, and the fixture that skips
// where the kernel trace is unavailable.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "base/diagnostics.h"
#include "engine/notify/ktrace/tracefs_instance.h"
#include "harness.h"

namespace sigvisor::test {

std::string temp_path(const std::string& stem);  // harness.cc

using nlohmann::json;

// The tracefs instance (a slot, instances/sigvisor-slot-N) that process `pid` holds open:
// its flock()ed directory; empty if none.
inline std::string held_instance(pid_t pid) {
  const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(fds.c_str());
  if (d == nullptr) return {};
  std::string found;
  while (dirent* e = readdir(d)) {
    char target[PATH_MAX];
    const std::string link = fds + "/" + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    std::string path(target, static_cast<std::size_t>(n));
    auto at = path.find("/instances/sigvisor-slot-");
    if (at == std::string::npos) continue;
    auto end = path.find('/', at + std::string("/instances/").size());
    found = path.substr(0, end);
  }
  closedir(d);
  return found;
}

inline bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

inline std::string first_line(const std::string& path) {
  std::string s = read_file(path);
  return s.substr(0, s.find('\n'));
}

// After a run: the slot's event is off and the kernel no longer records tgids for it, and
// the slot can be claimed. If another run (ctest -j) claimed it meanwhile, its state is
// that run's: only the claim is checked then.
inline ::testing::AssertionResult let_go(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ::testing::AssertionFailure() << dir << " is gone";
  const bool claimed = flock(fd, LOCK_EX | LOCK_NB) == 0;
  ::testing::AssertionResult r = ::testing::AssertionSuccess();
  if (claimed) {
    const std::string enable = first_line(dir + "/events/signal/signal_generate/enable");
    const std::string options = read_file(dir + "/trace_options");
    if (enable != "0")
      r = ::testing::AssertionFailure() << dir << ": event still on (" << enable << ")";
    if (options.find("norecord-tgid") == std::string::npos) {
      r = ::testing::AssertionFailure() << dir << ": record-tgid still on";
    }
  } else if (errno != EWOULDBLOCK) {
    r = ::testing::AssertionFailure() << "flock " << dir << ": " << strerror(errno);
  }
  close(fd);  // drops our claim
  return r;
}

// Runs `kill -SIG PID` (procps) outside the tree and reaps it.
inline pid_t outside_kill(const std::string& sig, pid_t target) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/kill", "kill", ("-" + sig).c_str(), std::to_string(target).c_str(), nullptr);
    _exit(127);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return pid;
}

// A `sleep 60` under sigvisor: the shell writes its pid (the sleep's, after exec) and its
// parent's (sigvisor's) to a file first.
struct Sleeper {
  std::future<Outcome> run;
  pid_t target = 0;
  pid_t sigvisor = 0;
};

inline Sleeper start_sleeper(const std::vector<std::string>& args) {
  Sleeper s;
  std::string file = temp_path("pids");
  s.run = std::async(std::launch::async, [args, file] {
    return run_sigvisor(args, {"/bin/sh", "-c",
                               "echo $$ $PPID > " + file + ".tmp && mv " + file + ".tmp " + file +
                                   " && exec sleep 60"});
  });
  eventually([&] {
    std::istringstream in(read_file(file));
    return static_cast<bool>(in >> s.target >> s.sigvisor);
  });
  // Until the shell has exec'd, the target is named "sh".
  eventually([&] { return read_file("/proc/" + std::to_string(s.target) + "/comm") == "sleep\n"; });
  return s;
}

inline const json* exit_of(const Outcome& r, pid_t pid) {
  for (const auto& e : r.events) {
    if (e.value("event", "") == "exit" && e["pid"] == pid) return &e;
  }
  return nullptr;
}

class KernelTrace : public SigvisorTest {
 protected:
  void SetUp() override {
    SigvisorTest::SetUp();
    if (IsSkipped()) return;
    if (auto why = missing_kernel_trace(); !why.empty()) GTEST_SKIP() << why;
    if (access("/bin/kill", X_OK) != 0) GTEST_SKIP() << "procps /bin/kill is not installed";
  }
};

}  // namespace sigvisor::test
