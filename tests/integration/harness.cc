// See harness.h. Plain fork/exec with output to files in a fresh temporary directory.
#include "harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "kernel/kernel_features.h"
#include "kernel/proc_reader.h"

namespace sigvisor::test {
namespace {

std::string make_temp_dir() {
  char tmpl[] = "/tmp/sigvisor-test-XXXXXX";
  char* d = mkdtemp(tmpl);
  return d != nullptr ? std::string(d) : std::string("/tmp");
}

Outcome exec_capture(const std::vector<std::string>& argv, const std::string& dir, int timeout_s) {
  Outcome r;
  std::string out_path = dir + "/stdout";
  std::string err_path = dir + "/stderr";
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // so a timeout can kill the whole tree
    int o = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(99);
  }
  setpgid(pid, pid);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "timed out after " << timeout_s << " s: " << argv.front();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.wait_status = status;
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

}  // namespace

// Every parsed event line of every run goes to $SIGVISOR_EVENTS_LOG (set by ctest) so
// that one test can validate them all against docs/events.schema.json afterwards. One
// O_APPEND write per run: tests running in parallel do not interleave lines.
void append_events_log(const std::string& lines) {
  const char* path = std::getenv("SIGVISOR_EVENTS_LOG");
  if (path == nullptr || *path == '\0' || lines.empty()) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    ADD_FAILURE() << "SIGVISOR_EVENTS_LOG=" << path << ": cannot open";
    return;
  }
  if (write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    ADD_FAILURE() << "SIGVISOR_EVENTS_LOG=" << path << ": short write";
  }
  close(fd);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Canary::Canary() {
  pid_ = fork();
  if (pid_ == 0) {
    execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
}

Canary::~Canary() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string example(const std::string& name) {
  return std::string(SIGVISOR_EXAMPLES_DIR) + "/" + name;
}

Outcome run_sigvisor(const std::vector<std::string>& sigvisor_args,
                     const std::vector<std::string>& command, int timeout_s) {
  std::string dir = make_temp_dir();
  std::vector<std::string> argv = {SIGVISOR_BIN, "-o", dir + "/trace", "--json", dir + "/events"};
  argv.insert(argv.end(), sigvisor_args.begin(), sigvisor_args.end());
  // The suite runs a second time with every call decided at ptrace stops (ctest's
  // "results" copies): both decision modes must show the same behaviour.
  const bool has_results = std::any_of(
      argv.begin(), argv.end(), [](const std::string& a) { return a.rfind("--results", 0) == 0; });
  // A policy that will not run a program as root (untrusted.json: "require_user") gets
  // the unprivileged test user when the suite runs as root, as a user must give it.
  bool untrusted = false;
  bool has_user = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    has_user |= argv[i] == "--user";
    if ((argv[i] == "-P" || argv[i] == "--policy") && i + 1 < argv.size()) {
      const std::string& p = argv[i + 1];
      untrusted |=
          p == "untrusted" || p.size() >= 14 && p.substr(p.size() - 14) == "untrusted.json";
    }
  }
  if (untrusted && !has_user && geteuid() == 0) {
    argv.push_back("--user");
    argv.push_back(kUntrustedTestUser);
  }
  if (results_mode() && !has_results) {
    argv.push_back("--results");
  }
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  Outcome r = exec_capture(argv, dir, timeout_s);
  r.trace = read_file(dir + "/trace");
  std::istringstream events(read_file(dir + "/events"));
  std::string line;
  std::string parsed_lines;
  while (std::getline(events, line)) {
    if (line.empty()) continue;
    try {
      r.events.push_back(nlohmann::json::parse(line));
      parsed_lines += line + '\n';
    } catch (const nlohmann::json::exception& e) {
      ADD_FAILURE() << "bad JSON event line: " << line << ": " << e.what();
    }
  }
  append_events_log(parsed_lines);
  std::system(("rm -rf '" + dir + "'").c_str());
  return r;
}

std::string test_engine() {
  const char* engine = std::getenv("SIGVISOR_ENGINE");
  return engine != nullptr ? std::string(engine) : std::string();
}

std::vector<std::string> variant_args() {
  std::vector<std::string> args;
  if (results_mode()) args.push_back("--results");
  return args;
}

bool kernel_engine_mode() {
  return test_engine() == "kernel";
}

std::string kernel_engine_refusal() {
  static const std::string why = [] {
    std::string dir = make_temp_dir();
    Outcome r = exec_capture({SIGVISOR_BIN, "--engine", "kernel", "-o", "/dev/null", "--", "true"},
                             dir, 60);
    std::system(("rm -rf '" + dir + "'").c_str());
    if (r.exit_status == 0) return std::string();
    std::string line = r.err.substr(0, r.err.find('\n'));
    return line.empty() ? std::string("it failed") : line;
  }();
  return why;
}

std::string missing_test_engine() {
  if (!kernel_engine_mode() || kernel_engine_refusal().empty()) return {};
  return "the kernel engine cannot run here: " + kernel_engine_refusal();
}

bool results_mode() {
  const char* mode = std::getenv("SIGVISOR_TEST_DECISION_MODE");
  return mode != nullptr && std::string(mode) == "results";
}

Outcome run_native(const std::vector<std::string>& command, int timeout_s) {
  std::string dir = make_temp_dir();
  Outcome r = exec_capture(command, dir, timeout_s);
  std::system(("rm -rf '" + dir + "'").c_str());
  return r;
}

std::vector<nlohmann::json> of_kind(const Outcome& r, const std::string& event,
                                    const std::string& syscall) {
  std::vector<nlohmann::json> out;
  for (const auto& e : r.events) {
    if (e.value("event", "") != event) continue;
    if (!syscall.empty() && e.value("syscall", "") != syscall) continue;
    out.push_back(e);
  }
  return out;
}

void expect_gapless(const Outcome& r) {
  for (std::size_t i = 0; i < r.events.size(); ++i) {
    ASSERT_EQ(r.events[i].value("seq", -1), static_cast<int64_t>(i)) << r.events[i].dump();
  }
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

}  // namespace sigvisor::test

namespace sigvisor::test {

std::string missing_kernel_feature() {
  for (Feature f : {Feature::seccomp_user_notif, Feature::ptrace}) {
    if (auto why = missing(f); !why.empty()) return why;
  }
  return {};
}

bool kernel_trace_used(const Outcome& r) {
  return r.err.find("kernel trace unavailable") == std::string::npos;
}

std::string missing_kernel_trace() {
  return missing(Feature::kernel_trace);
}

std::string without_kernel_notes(const std::string& err) {
  std::string kept;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line)) {
    if (!is_kernel_note(line)) kept += line + (in.eof() ? "" : "\n");
  }
  return kept;
}

}  // namespace sigvisor::test

namespace sigvisor::test {

std::vector<nlohmann::json> read_events(const std::string& path, bool writer_live) {
  std::vector<nlohmann::json> out;
  std::string text = read_file(path);
  if (writer_live) text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::string temp_path(const std::string& stem) {
  return make_temp_dir() + "/" + stem;
}

char task_state(pid_t pid, pid_t tid) {
  auto stat = read_stat(pid, tid);  // the name may hold spaces and parentheses
  return stat ? stat->state : 0;
}

bool alive(pid_t pid) {
  const char state = task_state(pid);
  return state != 0 && state != 'Z';
}

}  // namespace sigvisor::test
