// See tracefs_instance.h.
#include "engine/notify/ktrace/tracefs_instance.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "base/diagnostics.h"

namespace sigvisor {
namespace {

constexpr std::string_view kPrefix = "sigvisor-";  // legacy per-run instances: sigvisor-PID
constexpr std::string_view kSlotPrefix = "sigvisor-slot-";

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
    const int err = errno;
    // EBUSY: another sigvisor starting at the same moment mounted it first.
    if (exists(root + "/instances")) return Ok{};
    return make_error("cannot mount tracefs on " + root + ": " + errno_text(err));
  }
  diag.debug("kernel trace: mounted tracefs on %s (it was not mounted)", root.c_str());
  if (!exists(root + "/instances")) return make_error("tracefs has no instances directory");
  return Ok{};
}

// Removes a legacy per-run instance (rmdir disables its events itself, and waits for the
// tracepoint's readers). record-tgid is undone by hand first: the kernel keeps recording
// tgids for everyone while any instance asks.
void remove_instance(const std::string& dir) {
  (void)write_file(dir + "/trace_options", "norecord-tgid");
  ::rmdir(dir.c_str());
}

// Per-run instances (sigvisor-PID) that sigvisor made before it kept slots, left by one
// killed by SIGKILL.
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
    remove_instance(std::string(TracefsInstance::kTracefs) + "/instances/" + std::string(kPrefix) +
                    std::to_string(pid));
    diag.debug("kernel trace: removed stale instance of dead sigvisor %d", static_cast<int>(pid));
  }
}

// Reads the instance's pipe until it is empty: what a previous holder left (events on,
// killed before it could turn them off) must not be taken for this run's sends.
void drain(int pipe_fd) {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(pipe_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EAGAIN: empty
  }
}

// Opens a slot's directory, making it first if no run has yet.
UniqueFd open_slot(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.valid() || errno != ENOENT) return fd;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return fd;
  return UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

}  // namespace

std::string TracefsInstance::slot_dir(int n) {
  return std::string(kTracefs) + "/instances/" + std::string(kSlotPrefix) + std::to_string(n);
}

Result<TracefsInstance> TracefsInstance::create(pid_t owner, const Diagnostics& diag) {
  if (::geteuid() != 0) return make_error("not root");
  if (auto st = ensure_tracefs(diag); !st) return st.error();
  remove_stale(owner, diag);
  const std::string event = "/events/signal/signal_generate/enable";
  if (!exists(std::string(kTracefs) + event)) {
    return make_error("the kernel has no signal:signal_generate event");
  }
  UniqueFd lock;
  std::string dir;
  for (int n = 0; n < kSlots && !lock.valid(); ++n) {
    dir = slot_dir(n);
    UniqueFd fd = open_slot(dir);
    if (!fd.valid()) return make_error("cannot open or create " + dir + ": " + errno_text(errno));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
      // A slot another run has just made may not have its events yet (tracefs fills a
      // new instance after the directory appears): it is its maker's to claim.
      if (exists(dir + event)) lock = std::move(fd);
    } else if (errno != EWOULDBLOCK) {
      return make_error("cannot lock " + dir + ": " + errno_text(errno));
    }
  }
  if (!lock.valid()) {
    return make_error("all " + std::to_string(kSlots) + " instances (" + slot_dir(0) +
                      "...) are held by other sigvisors");
  }
  const std::string enable = dir + event;
  // From here the destructor turns the event off and lets the slot go, whatever fails.
  TracefsInstance inst(dir, std::move(lock), UniqueFd());
  if (auto st = write_file(enable, "0"); !st) return st.error();
  inst.pipe_.reset(::open((dir + "/trace_pipe").c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!inst.pipe_.valid()) return make_error(dir + "/trace_pipe: " + errno_text(errno));
  drain(inst.pipe_.get());
  // record-tgid: the event has only the sender's thread id. The trace clock stays the
  // default: changing it resets the buffers (~30 ms here) and nothing needs its times.
  for (auto [file, text] :
       {std::pair{"/trace_options", "record-tgid"},
        std::pair{"/events/signal/signal_generate/enable", "1"}, std::pair{"/tracing_on", "1"}}) {
    if (auto st = write_file(dir + file, text); !st) return st.error();
  }
  diag.debug("kernel trace: instance %s", dir.c_str());
  return inst;
}

TracefsInstance::TracefsInstance(TracefsInstance&& o) noexcept
    : dir_(std::exchange(o.dir_, std::string())),
      lock_(std::move(o.lock_)),
      pipe_(std::move(o.pipe_)) {}

TracefsInstance::~TracefsInstance() {
  if (dir_.empty()) return;
  // Off before the slot is let go: no tracepoint left on, no tgids recorded for nobody.
  // What is still in the buffer is drained by the next holder.
  (void)write_file(dir_ + "/events/signal/signal_generate/enable", "0");
  (void)write_file(dir_ + "/trace_options", "norecord-tgid");
  pipe_.reset();
  lock_.reset();  // the flock goes with the descriptor
}

}  // namespace sigvisor
