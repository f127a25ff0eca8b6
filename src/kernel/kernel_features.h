// What the running kernel can do for sigvisor, asked of the kernel itself, never read off
// its version number (distributions backport; a config option can be off): each probe
// makes the call sigvisor makes, in a form that leaves nothing behind. The same probes
// answer `sigvisor --doctor`, stamp every run's JSON `policy` event, and tell the tests
// what to skip (with the reason). docs/kernels.md is the table of these features.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sigvisor {

enum class Feature : uint8_t {
  seccomp_user_notif,     // seccomp's user notification: every routed call (Linux 5.0)
  ptrace,                 // PTRACE_SEIZE of our own child (Yama's ptrace_scope 3 forbids it)
  wait_killable_recv,     // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19)
  sync_wake_up,           // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (6.6)
  landlock_signal_scope,  // Landlock ABI 6, LANDLOCK_SCOPE_SIGNAL (6.12)
  pidfd_open,             // pidfd_open (5.3): the fd-named targets' owners
  pidfd_getfd,            // pidfd_getfd (5.6): the same
  kernel_trace,           // tracefs with signal:signal_generate, as root
};
inline constexpr std::size_t kFeatureCount = 8;

// What docs/kernels.md says of a feature, in the words `--doctor` and the events use.
struct FeatureFacts {
  std::string_view key;      // the JSON name (events.schema.json)
  std::string_view title;    // a few words for people
  std::string_view since;    // the first kernel, and the config option where one matters
  std::string_view without;  // what sigvisor does where the kernel lacks it
  bool required;             // sigvisor cannot run without it
};
const FeatureFacts& facts(Feature f);
inline constexpr Feature feature_at(std::size_t i) {
  return static_cast<Feature>(i);
}

// Empty when the running kernel has `f`; otherwise why not, in a few words (the reason a
// test skips with). Cheap (a syscall or a short read) but for sync_wake_up, which needs a
// listener of its own: a vfork()ed child installs an allow-everything filter, asks, and
// exits. Not async-signal-safe; call it where no other thread reaps children with
// waitpid(-1) (the probe waits for its own child only, but such a thread could take it).
std::string missing(Feature f);

// Every feature at once, and the kernel's release (uname -r).
struct KernelFeatures {
  std::string release;
  std::array<std::string, kFeatureCount> missing;  // empty: present
  bool has(Feature f) const { return missing[static_cast<std::size_t>(f)].empty(); }
};
KernelFeatures probe_kernel_features();

// The notes sigvisor's stderr may carry about the kernel (its trace, Landlock), one line
// each. Tests that compare sigvisor's stderr with a native run's drop exactly these.
bool is_kernel_note(std::string_view line);
// The prefix of the note that says a refusal had no kernel backstop (see BackstopNote).
inline constexpr std::string_view kBackstopNote = "sigvisor: note: no kernel backstop: ";

}  // namespace sigvisor
