// See proc_reader.h.
#include "kernel/proc_reader.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "base/unique_fd.h"

namespace sigvisor {
namespace {

// One file of /proc, whole (bounded: stat, status, comm and fdinfo are far smaller;
// cmdline is cut there, as ps cuts it).
constexpr std::size_t kMaxProcFile = 64 * 1024;

std::optional<std::string> read_proc_file(const char* path) {
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) return std::nullopt;
    if (n == 0 || out.size() >= kMaxProcFile) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string proc_path(pid_t pid, pid_t tid, const char* file) {
  char buf[96];
  if (tid > 0) {
    std::snprintf(buf, sizeof buf, "/proc/%d/task/%d/%s", static_cast<int>(pid),
                  static_cast<int>(tid), file);
  } else {
    std::snprintf(buf, sizeof buf, "/proc/%d/%s", static_cast<int>(pid), file);
  }
  return buf;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A decimal integer at the start of `s` (after blanks); none when there is none.
template <typename T>
std::optional<T> leading_int(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is_blank(s[b])) ++b;
  T v{};
  auto [end, ec] = std::from_chars(s.data() + b, s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data() + b) return std::nullopt;
  return v;
}

// The second decimal integer of `s` ("Uid:\treal\teffective\t..."): none when absent.
template <typename T>
std::optional<T> second_int(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is_blank(s[b])) ++b;
  while (b < s.size() && !is_blank(s[b])) ++b;
  return leading_int<T>(s.substr(b));
}

// The value of "Key:" in a "Key:\tvalue" file (status, fdinfo): the rest of its line.
std::optional<std::string_view> field(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      line.remove_prefix(key.size() + 1);
      while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
      return line;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcStatus> parse_status(std::string_view text) {
  ProcStatus s;
  auto tgid = field(text, "Tgid");
  if (!tgid) return std::nullopt;
  auto t = leading_int<pid_t>(*tgid);
  if (!t || *t <= 0) return std::nullopt;
  s.tgid = *t;
  // The name is the rest of the first line (the kernel escapes '\n' in it).
  if (auto name = field(text, "Name")) s.name = make_comm(*name);
  if (auto state = field(text, "State"); state && !state->empty()) s.state = state->front();
  if (auto ppid = field(text, "PPid")) s.ppid = leading_int<pid_t>(*ppid).value_or(0);
  if (auto uid = field(text, "Uid")) {
    s.real_uid = leading_int<uid_t>(*uid);
    s.effective_uid = second_int<uid_t>(*uid);
  }
  if (auto gid = field(text, "Gid")) s.effective_gid = second_int<gid_t>(*gid);
  if (auto tracer = field(text, "TracerPid")) s.tracer = leading_int<pid_t>(*tracer).value_or(0);
  return s;
}

std::optional<ProcStat> parse_stat(std::string_view text) {
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  ProcStat s;
  s.comm = make_comm(text.substr(open + 1, close - open - 1));
  // Fields after the name, from 3 (state) on, separated by single spaces.
  std::string_view rest = text.substr(close + 1);
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (fields.size() < 20 && pos < rest.size()) {
    if (rest[pos] != ' ') return std::nullopt;
    std::size_t end = rest.find_first_of(" \n", pos + 1);
    if (end == std::string_view::npos) end = rest.size();
    fields.push_back(rest.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  if (fields.size() < 20 || fields[0].size() != 1) return std::nullopt;  // 3 .. 22
  s.state = fields[0][0];
  auto ppid = leading_int<pid_t>(fields[1]);
  auto pgrp = leading_int<pid_t>(fields[2]);
  auto start = leading_int<uint64_t>(fields[19]);
  if (!ppid || !pgrp || !start) return std::nullopt;
  s.ppid = *ppid;
  s.pgrp = *pgrp;
  s.start_ticks = *start;
  return s;
}

Comm parse_comm(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return make_comm(text);
}

std::vector<std::string> parse_cmdline(std::string_view text) {
  std::vector<std::string> argv;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\0', start);
    if (end == std::string_view::npos) end = text.size();
    argv.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return argv;
}

std::optional<pid_t> parse_pidfd_fdinfo(std::string_view text) {
  auto pid = field(text, "Pid");
  if (!pid) return std::nullopt;
  return leading_int<pid_t>(*pid).value_or(-1);
}

std::optional<ProcStatus> read_status(pid_t pid) {
  auto text = read_proc_file(proc_path(pid, 0, "status").c_str());
  if (!text) return std::nullopt;
  return parse_status(*text);
}

std::optional<ProcStat> read_stat(pid_t pid, pid_t tid) {
  auto text = read_proc_file(proc_path(pid, tid, "stat").c_str());
  if (!text) return std::nullopt;
  return parse_stat(*text);
}

std::optional<Comm> read_comm(pid_t pid) {
  auto text = read_proc_file(proc_path(pid, 0, "comm").c_str());
  if (!text) return std::nullopt;
  return parse_comm(*text);
}

std::string read_exe(pid_t pid) {
  char buf[4096];
  ssize_t n = ::readlink(proc_path(pid, 0, "exe").c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

std::vector<std::string> read_cmdline(pid_t pid) {
  auto text = read_proc_file(proc_path(pid, 0, "cmdline").c_str());
  return text ? parse_cmdline(*text) : std::vector<std::string>{};
}

bool is_thread_of(pid_t pid, pid_t tid) {
  if (pid <= 0 || tid <= 0) return false;
  struct stat st {};
  return ::stat(proc_path(pid, tid, "").c_str(), &st) == 0;
}

std::vector<pid_t> list_threads(pid_t tgid) {
  std::vector<pid_t> out;
  const std::string path = "/proc/" + std::to_string(tgid) + "/task";
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return out;
  while (const dirent* e = ::readdir(dir)) {
    if (auto tid = leading_int<pid_t>(e->d_name); tid && *tid > 0) out.push_back(*tid);
  }
  ::closedir(dir);
  return out;
}

std::optional<std::vector<pid_t>> list_processes() {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return std::nullopt;
  std::vector<pid_t> out;
  while (const dirent* e = ::readdir(dir)) {
    if (auto pid = leading_int<pid_t>(e->d_name); pid && *pid > 0) out.push_back(*pid);
  }
  ::closedir(dir);
  return out;
}

FdTarget read_fd_target(pid_t tid, int fd) {
  FdTarget t;
  if (fd < 0) {
    t.kind = FdKind::no_such_fd;
    return t;
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", static_cast<int>(tid), fd);
  UniqueFd f(::open(path, O_RDONLY | O_CLOEXEC));
  if (!f.valid()) {
    // ENOENT for a missing fd, or for a task that is gone: its fdinfo directory tells.
    if (errno != ENOENT) return t;
    std::snprintf(path, sizeof path, "/proc/%d/fdinfo", static_cast<int>(tid));
    struct stat st {};
    if (::stat(path, &st) == 0) t.kind = FdKind::no_such_fd;
    return t;
  }
  char buf[1024];
  ssize_t n = ::read(f.get(), buf, sizeof buf);
  if (n < 0) return t;
  auto pid = parse_pidfd_fdinfo(std::string_view(buf, static_cast<std::size_t>(n)));
  t.kind = pid ? FdKind::pidfd : FdKind::not_pidfd;
  if (pid) t.pid = *pid;
  return t;
}

double boottime_now() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::optional<Comm> read_comm_if_started_before(pid_t pid, double boottime_s) {
  auto stat = read_stat(pid);
  if (!stat) return std::nullopt;
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0 || static_cast<double>(stat->start_ticks) / static_cast<double>(hz) > boottime_s) {
    return std::nullopt;
  }
  return stat->comm;
}

}  // namespace sigvisor
