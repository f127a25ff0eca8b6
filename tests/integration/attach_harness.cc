// See attach_harness.h.
#include "attach_harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "harness.h"

namespace sigvisor::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string status_field(pid_t pid, pid_t tid, const std::string& name) {
  std::string path = "/proc/" + std::to_string(pid) + "/";
  if (tid > 0) path += "task/" + std::to_string(tid) + "/";
  std::istringstream in(read_file(path + "status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
  }
  return {};
}

int wait_bounded(pid_t pid, int seconds) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  int st = 0;
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (Clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return st;
}

}  // namespace

void AttachTest::SetUp() {
  SigvisorTest::SetUp();
  if (IsSkipped()) return;
  if (results_mode()) GTEST_SKIP() << "-p decides every call at ptrace stops already";
  SKIP_ON_KERNEL_ENGINE("attach (-p) is not on the kernel engine yet (it refuses -p)");
}

bool is_call(const nlohmann::json& e, const std::string& name, pid_t pid) {
  return e.value("event", "") == "syscall" && e.value("syscall", "") == name &&
         e.value("pid", 0) == pid;
}

int check_ticks(const std::string& out, bool delivered) {
  std::istringstream in(out);
  std::string line;
  int next = 0;
  while (std::getline(in, line)) {
    long n = 0, m = 0;
    int r = 0, e = 0;
    if (std::sscanf(line.c_str(), "tick %ld usr1=%ld kill=%d errno=%d", &n, &m, &r, &e) != 4) {
      continue;
    }
    EXPECT_EQ(n, next) << "a tick went missing before: " << line;
    if (delivered) EXPECT_EQ(m, n + 1) << "a SIGUSR1 went missing: " << line;
    EXPECT_TRUE((r == 0 && e == 0) || (r == -1 && e == EACCES)) << line;
    next = static_cast<int>(n) + 1;
  }
  return next;
}

NativeTarget::NativeTarget(const std::vector<std::string>& argv) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  in_ = in[1];
  out_fd_ = out[0];
}

NativeTarget::~NativeTarget() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (in_ >= 0) close(in_);
  if (out_fd_ >= 0) close(out_fd_);
}

void NativeTarget::command(const std::string& line) {
  const std::string l = line + "\n";
  if (write(in_, l.data(), l.size()) != static_cast<ssize_t>(l.size())) {
    ADD_FAILURE() << "cannot write to the target";
  }
}

bool NativeTarget::read_until(const std::string& needle, int seconds) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  auto found = [&] {  // in a whole line
    const std::size_t end = out_.rfind('\n');
    return end != std::string::npos && out_.find(needle) < end;
  };
  while (!found()) {
    if (Clock::now() > deadline) return false;
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return found();
    out_.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

void NativeTarget::drain() {
  pollfd p{out_fd_, POLLIN, 0};
  char buf[65536];
  while (poll(&p, 1, 0) > 0) {
    const ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) return;
    out_.append(buf, static_cast<std::size_t>(n));
  }
}

int NativeTarget::wait_exit(int seconds) {
  const int st = wait_bounded(pid_, seconds);
  reaped_ = st != -1;
  return st;
}

AttachedSigvisor::AttachedSigvisor(const std::vector<std::string>& args) {
  dir_ = temp_path("attach");
  dir_ = dir_.substr(0, dir_.rfind('/'));
  std::vector<std::string> argv = {SIGVISOR_BIN, "-o", dir_ + "/trace", "--json", dir_ + "/events"};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string err = dir_ + "/stderr";
  pid_ = fork();
  if (pid_ == 0) {
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int n = open("/dev/null", O_RDWR);
    dup2(n, 0);
    dup2(n, 1);
    dup2(e, 2);
    std::vector<char*> a;
    a.reserve(argv.size() + 1);
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execv(a[0], a.data());
    _exit(127);
  }
}

AttachedSigvisor::~AttachedSigvisor() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // Attach mode's events are checked against docs/events.schema.json too (whole lines).
  std::string lines = read_file(dir_ + "/events");
  lines.erase(lines.rfind('\n') == std::string::npos ? 0 : lines.rfind('\n') + 1);
  append_events_log(lines);
  std::system(("rm -rf '" + dir_ + "'").c_str());
}

std::vector<nlohmann::json> AttachedSigvisor::events() const {
  // The writer may be in the middle of a line: only whole lines are parsed.
  std::string text = read_file(dir_ + "/events");
  text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

bool AttachedSigvisor::has_event(const std::function<bool(const nlohmann::json&)>& pred,
                                 int seconds) const {
  return eventually(
      [&] {
        for (const auto& e : events()) {
          if (pred(e)) return true;
        }
        return false;
      },
      seconds);
}

int AttachedSigvisor::wait_exit(int seconds) {
  const int st = wait_bounded(pid_, seconds);
  if (st == -1) return -1;
  reaped_ = true;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string AttachedSigvisor::messages() const {
  return read_file(dir_ + "/stderr");
}

std::string AttachedSigvisor::trace() const {
  return read_file(dir_ + "/trace");
}

TracerHold::TracerHold(pid_t sigvisor) : sv_(sigvisor) {
  seized_ = ptrace(PTRACE_SEIZE, sv_, nullptr, nullptr) == 0;
}

TracerHold::~TracerHold() {
  if (seized_) let_go();
}

TracerHold::Held TracerHold::freeze() {
  if (ptrace(PTRACE_INTERRUPT, sv_, nullptr, nullptr) != 0) return Held::failed;
  for (;;) {
    int st = 0;
    if (waitpid(sv_, &st, __WALL) != sv_ || !WIFSTOPPED(st)) return Held::failed;
    if ((st >> 16) == PTRACE_EVENT_STOP) break;
    // A signal to the dispatcher thread on its way: passed on, the interrupt still comes.
    ptrace(PTRACE_CONT, sv_, nullptr, WSTOPSIG(st));
  }
#if defined(__x86_64__)
  // In wait4: -ERESTARTSYS when it slept, the pid of the stop it collected otherwise.
  user_regs_struct regs{};
  if (ptrace(PTRACE_GETREGS, sv_, nullptr, &regs) != 0) return Held::failed;
  if (static_cast<long>(regs.orig_rax) != SYS_wait4) return Held::elsewhere;
  return static_cast<long>(regs.rax) == -512 ? Held::asleep
         : static_cast<long>(regs.rax) > 0   ? Held::collected
                                             : Held::elsewhere;
#else
  return Held::elsewhere;
#endif
}

void TracerHold::thaw() {
  ptrace(PTRACE_CONT, sv_, nullptr, nullptr);
}

void TracerHold::let_go() {
  ptrace(PTRACE_DETACH, sv_, nullptr, nullptr);
  seized_ = false;
}

bool TracerHold::pending(int sig) const {
  const std::string v = status_field(sv_, sv_, "SigPnd");
  return !v.empty() && ((std::strtoull(v.c_str(), nullptr, 16) >> (sig - 1)) & 1) != 0;
}

std::string syscall_of(pid_t pid) {
  return eventually([&] { return task_state(pid) == 't'; }, 2)
             ? read_file("/proc/" + std::to_string(pid) + "/syscall")
             : std::string();
}

pid_t tracer_of(pid_t pid, pid_t tid) {
  const std::string v = status_field(pid, tid, "TracerPid");
  return v.empty() ? -1 : static_cast<pid_t>(std::atoi(v.c_str()));
}

std::vector<pid_t> threads_of(pid_t pid) {
  std::vector<pid_t> out;
  DIR* d = opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
  if (d == nullptr) return out;
  while (const dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') out.push_back(static_cast<pid_t>(std::atoi(e->d_name)));
  }
  closedir(d);
  return out;
}

bool shared_pending(pid_t pid, int sig) {
  const std::string v = status_field(pid, 0, "ShdPnd");
  if (v.empty()) return false;
  const unsigned long long bits = std::strtoull(v.c_str(), nullptr, 16);
  return ((bits >> (sig - 1)) & 1) != 0;
}

}  // namespace sigvisor::test
