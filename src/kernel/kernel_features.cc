// See kernel_features.h. Each probe asks the kernel the question sigvisor's own call asks:
// seccomp's action and flag checks answer before anything is installed (a null program
// fails with EFAULT only once the flags passed), Landlock reports its ABI, the pidfd
// calls fail with ENOSYS only where they do not exist.
#include "kernel/kernel_features.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "kernel/kernel_compat.h"
#include "kernel/landlock.h"

namespace sigvisor {
namespace {

constexpr std::array<FeatureFacts, kFeatureCount> kFacts{{
    {"seccomp_user_notif", "seccomp user notification", "5.0 (CONFIG_SECCOMP_FILTER)",
     "sigvisor cannot launch a program (one line, exit 1); -p still attaches", true},
    {"ptrace", "ptrace of the program", "any (Yama: kernel.yama.ptrace_scope below 3)",
     "sigvisor cannot run (one line, exit 1)", true},
    {"wait_killable_recv", "killable wait for a decided call",
     "5.19 (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)",
     "any signal, not only a fatal one, aborts a call sigvisor is deciding; it is given its "
     "native result at the signal-delivery stop (run again, or a wait's EINTR) and recorded once",
     false},
    {"sync_wake_up", "same-CPU wake-up of the supervisor",
     "6.6 (SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)",
     "every routed call wakes sigvisor on another CPU: tens of microseconds a call instead of "
     "about 2 (docs/performance.md)",
     false},
    {"landlock_signal_scope", "Landlock signal scope",
     "6.12 (CONFIG_SECURITY_LANDLOCK, landlock in the LSM list: Landlock ABI 6)",
     "policies that forbid outside targets are enforced by sigvisor alone: every call it sees "
     "is decided as before, racy routes have no kernel backstop; a refusal with no backstop "
     "says so once on stderr",
     false},
    {"pidfd_open", "pidfd_open", "5.3",
     "a target named by an fd (F_SETSIG, TIOCSIG, pidfd_send_signal) is not resolved: the "
     "call is decided as aimed outside",
     false},
    {"pidfd_getfd", "pidfd_getfd", "5.6",
     "a target named by an fd (F_SETSIG, TIOCSIG, pidfd_send_signal) is not resolved: the "
     "call is decided as aimed outside",
     false},
    {"kernel_trace", "kernel trace of signal sends",
     "tracefs (CONFIG_FTRACE) with signal:signal_generate, and root",
     "senders of SIGKILL and of signals from outside the tree are not named (one note on "
     "stderr)",
     false},
}};

std::string read_all(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string user_notif() {
  uint32_t action = SECCOMP_RET_USER_NOTIF;
  if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0) return {};
  return "kernel lacks seccomp user notification (SECCOMP_RET_USER_NOTIF: " +
         std::string(std::strerror(errno)) + ")";
}

std::string ptrace_allowed() {
  const std::string yama = read_all("/proc/sys/kernel/yama/ptrace_scope");
  if (!yama.empty() && yama[0] == '3') return "ptrace disabled (kernel.yama.ptrace_scope=3)";
  return {};
}

// The flag check comes before the program is read: EFAULT (the null program) means the
// flags passed, EINVAL that the kernel does not know one.
std::string filter_flag(unsigned long flag, const char* name) {
  errno = 0;
  const long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                          SECCOMP_FILTER_FLAG_NEW_LISTENER | flag, nullptr);
  if (rc < 0 && errno == EFAULT) return {};
  return std::string("kernel lacks ") + name + " (" + std::strerror(errno) + ")";
}

// A listener of our own to ask: a vfork()ed child installs an allow-everything filter
// (no_new_privs first) and sets the flag on its listener; its exit status is the answer.
// The child runs in a function of its own, so that it writes only below the parent's
// frame (vfork shares the stack), and touches nothing but constants.
constexpr int kHasFlag = 0, kLacksFlag = 1, kNoListener = 2;
const sock_filter kAllowAll = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

[[noreturn]] __attribute__((noinline)) void sync_wake_up_child() {
  sock_fprog prog{1, const_cast<sock_filter*>(&kAllowAll)};
  if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(kNoListener);
  const long fd =
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (fd < 0) _exit(kNoListener);
  const bool set = syscall(SYS_ioctl, fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
                           static_cast<unsigned long>(SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP)) == 0;
  _exit(set ? kHasFlag : kLacksFlag);
}

std::string sync_wake_up() {
  const pid_t pid = vfork();
  if (pid == 0) sync_wake_up_child();
  if (pid < 0) return std::string("cannot probe (vfork: ") + std::strerror(errno) + ")";
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == kHasFlag) return {};
  if (WIFEXITED(st) && WEXITSTATUS(st) == kLacksFlag) {
    return "kernel lacks SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP";
  }
  return "cannot probe (no seccomp listener could be made here)";
}

std::string signal_scope() {
  const int abi = landlock_abi();
  if (abi >= kLandlockScopeAbi) return {};
  if (abi == 0) return "Landlock is not available on this kernel";
  return "the kernel's Landlock ABI is " + std::to_string(abi) +
         ", signal scoping needs ABI 6 (Linux 6.12)";
}

std::string pidfd_call(long nr, const char* name) {
  errno = 0;
  const long fd = nr == SYS_pidfd_open ? syscall(nr, getpid(), 0) : syscall(nr, -1, -1, 0);
  if (fd >= 0) close(static_cast<int>(fd));
  if (fd >= 0 || errno != ENOSYS) return {};
  return std::string("kernel lacks ") + name;
}

std::string tracefs_event() {
  if (geteuid() != 0) return "the kernel trace needs root";
  if (read_all("/proc/filesystems").find("tracefs") == std::string::npos) {
    return "the kernel has no tracefs";
  }
  if (access("/sys/kernel/tracing", F_OK) != 0) return "no /sys/kernel/tracing to mount it on";
  // Mounted: the event must be there. Not mounted yet: sigvisor mounts it, and the event
  // comes with tracefs's event tracing.
  if (access("/sys/kernel/tracing/events", F_OK) == 0 &&
      access("/sys/kernel/tracing/events/signal/signal_generate", F_OK) != 0) {
    return "the kernel has no signal:signal_generate event";
  }
  return {};
}

}  // namespace

const FeatureFacts& facts(Feature f) {
  return kFacts[static_cast<std::size_t>(f)];
}

std::string missing(Feature f) {
  switch (f) {
    case Feature::seccomp_user_notif:
      return user_notif();
    case Feature::ptrace:
      return ptrace_allowed();
    case Feature::wait_killable_recv:
      return filter_flag(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
                         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
    case Feature::sync_wake_up:
      return sync_wake_up();
    case Feature::landlock_signal_scope:
      return signal_scope();
    case Feature::pidfd_open:
      return pidfd_call(SYS_pidfd_open, "pidfd_open");
    case Feature::pidfd_getfd:
      return pidfd_call(SYS_pidfd_getfd, "pidfd_getfd");
    case Feature::kernel_trace:
      return tracefs_event();
  }
  return "unknown feature";
}

KernelFeatures probe_kernel_features() {
  KernelFeatures k;
  utsname u{};
  if (uname(&u) == 0) k.release = u.release;
  for (std::size_t i = 0; i < kFeatureCount; ++i) k.missing[i] = missing(feature_at(i));
  return k;
}

bool is_kernel_note(std::string_view line) {
  for (std::string_view prefix :
       {kBackstopNote, std::string_view("sigvisor: note: kernel trace unavailable ("),
        std::string_view("sigvisor: warning: no kernel backstop for "
                         "signals leaving the sandbox: ")}) {
    if (line.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

}  // namespace sigvisor
