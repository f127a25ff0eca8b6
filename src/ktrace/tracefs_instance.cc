// See tracefs_instance.h.
#include "ktrace/tracefs_instance.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "supervise/diagnostics.h"

namespace sigvisor {
namespace {

constexpr std::string_view kPrefix = "sigvisor-";

std::string errno_text(int err) {
  return std::strerror(err);
}

Status write_file(const std::string& path, std::string_view text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd.valid()) return make_error(path + ": " + errno_text(errno));
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return make_error(path + ": " + errno_text(errno));
  }
  return Ok{};
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// tracefs at kTracefs, mounted there if it is not yet (root can; say so when debugging).
Status ensure_tracefs(const Diagnostics& diag) {
  const std::string root = TracefsInstance::kTracefs;
  if (exists(root + "/instances")) return Ok{};
  if (!exists(root)) return make_error(root + " does not exist");
  if (::mount("nodev", root.c_str(), "tracefs", 0, nullptr) != 0) {
    return make_error("cannot mount tracefs on " + root + ": " + errno_text(errno));
  }
  diag.debug("kernel trace: mounted tracefs on %s (it was not mounted)", root.c_str());
  if (!exists(root + "/instances")) return make_error("tracefs has no instances directory");
  return Ok{};
}

// Removes an instance (rmdir disables its events itself, and waits for the tracepoint's
// readers). record-tgid is undone by hand first: the kernel keeps recording tgids for
// everyone while any instance asks.
void remove_instance(const std::string& dir) {
  (void)write_file(dir + "/trace_options", "norecord-tgid");
  ::rmdir(dir.c_str());
}

// The same, without waiting: the rmdir takes ~40-50 ms here (the kernel frees the ring
// buffers and waits for RCU readers), which was most of the kernel trace's cost per run —
// a short program run under sigvisor took 50 ms instead of 7. A detached grandchild does
// it, with no descriptor of ours, so sigvisor exits at once and nobody waits on a pipe
// it held. Should it fail (killed), the next sigvisor removes the instance as stale.
void remove_instance_detached(const std::string& dir) {
  (void)write_file(dir + "/trace_options", "norecord-tgid");
  const char* path = dir.c_str();
  const pid_t child = ::fork();
  if (child < 0) {
    ::rmdir(path);
    return;
  }
  if (child == 0) {  // only async-signal-safe calls from here: sigvisor has threads
    if (::fork() == 0) {
      ::close_range(0, ~0U, 0);
      ::rmdir(path);
    }
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}

// Instances left by a sigvisor that could not clean up (killed by SIGKILL).
void remove_stale(pid_t owner, const Diagnostics& diag) {
  const std::string dir = std::string(TracefsInstance::kTracefs) + "/instances";
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<pid_t> stale;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    std::string_view num = name.substr(kPrefix.size());
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), pid);
    if (ec != std::errc() || end != num.data() + num.size() || pid <= 0 || pid == owner) continue;
    if (::kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(pid);
  }
  ::closedir(d);
  for (pid_t pid : stale) {
    remove_instance(TracefsInstance::dir_of(pid));
    diag.debug("kernel trace: removed stale instance of dead sigvisor %d", static_cast<int>(pid));
  }
}

}  // namespace

std::string TracefsInstance::dir_of(pid_t pid) {
  return std::string(kTracefs) + "/instances/" + std::string(kPrefix) + std::to_string(pid);
}

Result<TracefsInstance> TracefsInstance::create(pid_t owner, const Diagnostics& diag) {
  if (::geteuid() != 0) return make_error("not root");
  if (auto st = ensure_tracefs(diag); !st) return st.error();
  remove_stale(owner, diag);
  const std::string dir = dir_of(owner);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error("cannot create " + dir + ": " + errno_text(errno));
  }
  // From here the destructor removes the instance whatever fails next.
  TracefsInstance inst(dir, UniqueFd());
  if (!exists(dir + "/events/signal/signal_generate/enable")) {
    return make_error("the kernel has no signal:signal_generate event");
  }
  // record-tgid: the event has only the sender's thread id. The trace clock stays the
  // default: changing it resets the buffers (~30 ms here) and nothing needs its times.
  for (auto [file, text] :
       {std::pair{"/trace_options", "record-tgid"},
        std::pair{"/events/signal/signal_generate/enable", "1"}, std::pair{"/tracing_on", "1"}}) {
    if (auto st = write_file(dir + file, text); !st) return st.error();
  }
  inst.pipe_.reset(::open((dir + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!inst.pipe_.valid()) return make_error(dir + "/trace_pipe: " + errno_text(errno));
  diag.debug("kernel trace: instance %s", dir.c_str());
  return inst;
}

TracefsInstance::TracefsInstance(TracefsInstance&& o) noexcept
    : dir_(std::exchange(o.dir_, std::string())), pipe_(std::move(o.pipe_)) {}

TracefsInstance::~TracefsInstance() {
  if (dir_.empty()) return;
  pipe_.reset();  // an open trace_pipe keeps the instance busy (rmdir: EBUSY)
  remove_instance_detached(dir_);
}

}  // namespace sigvisor
