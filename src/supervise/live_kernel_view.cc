// See kernel_view.h: the real kernel behind the KernelView interface.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "kernel/indirect_target.h"
#include "kernel/tracee_memory.h"
#include "supervise/kernel_view.h"
#include "unique_fd.h"

namespace sigvisor {
namespace {

std::string read_proc(pid_t pid, const char* what) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + what;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return {};
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::string read_link(pid_t pid, const char* what) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + what;
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

void LiveKernelView::read_in(pid_t tid, CallData& call) {
  read_in_pointers(tid, call);
}

void LiveKernelView::read_out(pid_t tid, CallData& call) {
  read_out_pointers(tid, call);
}

bool LiveKernelView::read_memory(pid_t tid, uint64_t addr, void* buf, std::size_t size) {
  return read_tracee(tid, addr, buf, size);
}

pid_t LiveKernelView::fd_target(pid_t tid, const CallData& call) {
  return sigvisor::fd_target(tid, call);
}

std::optional<TaskInfo> LiveKernelView::task(pid_t tid) {
  return read_task_from_proc(tid);
}

// One read of /proc/<pid>/stat: name and start time come from the same process.
std::optional<Comm> LiveKernelView::comm_if_started_before(pid_t pid, double boottime_s) {
  std::string stat = read_proc(pid, "stat");
  auto open = stat.find('(');
  auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  // Fields after the name: state(3) ... starttime(22), i.e. the 20th after ')'.
  std::size_t pos = close + 1;
  for (int field = 3; field < 22 && pos != std::string::npos; ++field) {
    pos = stat.find(' ', pos + 1);
  }
  if (pos == std::string::npos) return std::nullopt;
  unsigned long long ticks = std::strtoull(stat.c_str() + pos + 1, nullptr, 10);
  const long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0 || static_cast<double>(ticks) / static_cast<double>(hz) > boottime_s) {
    return std::nullopt;
  }
  return make_comm(std::string_view(stat).substr(open + 1, close - open - 1));
}

ExecFacts LiveKernelView::exec_facts(pid_t pid) {
  ExecFacts f;
  std::string comm = read_proc(pid, "comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  f.comm = make_comm(comm);
  f.exe = read_link(pid, "exe");
  std::string cmdline = read_proc(pid, "cmdline");
  for (std::size_t start = 0; start < cmdline.size();) {
    std::size_t end = cmdline.find('\0', start);
    if (end == std::string::npos) end = cmdline.size();
    f.argv.emplace_back(cmdline, start, end - start);
    start = end + 1;
  }
  return f;
}

double LiveKernelView::boottime_now() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace sigvisor
