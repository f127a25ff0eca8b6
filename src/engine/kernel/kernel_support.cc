// See kernel_support.h.
#include "engine/kernel/kernel_support.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

namespace sigvisor {
namespace {

#ifndef CAP_PERFMON
constexpr int CAP_PERFMON = 38;
#endif
#ifndef CAP_BPF
constexpr int CAP_BPF = 39;
#endif

bool has_cap(const __user_cap_data_struct (&d)[2], int cap) {
  return (d[cap / 32].effective & (1u << (cap % 32))) != 0;
}

// The host's PID namespace has a fixed inode (PROC_PID_INIT_INO).
constexpr ino_t kInitPidNamespace = 0xEFFFFFFCU;

}  // namespace

std::optional<std::string> kernel_engine_missing() {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  if (syscall(SYS_capget, &h, d) != 0) return std::string("its capabilities cannot be read");
  const bool bpf_caps = has_cap(d, CAP_BPF) && has_cap(d, CAP_PERFMON);
  if (!bpf_caps && !has_cap(d, CAP_SYS_ADMIN)) {
    return std::string("not root (CAP_BPF and CAP_PERFMON are needed)");
  }
  struct stat st {};
  if (stat("/sys/kernel/btf/vmlinux", &st) != 0) {
    return std::string("no kernel BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF)");
  }
  if (stat("/proc/self/ns/pid", &st) == 0 && st.st_ino != kInitPidNamespace) {
    return std::string("sigvisor runs in a PID namespace of its own (the programs see host ids)");
  }
  return std::nullopt;
}

std::optional<std::string> kernel_engine_refuses(const SupervisorOptions& opts) {
  if (!opts.attach.empty()) return std::string("-p (attach) is not on this engine yet");
  if (opts.policy->delivery_may_deny()) {
    return std::string(
        "the policy denies deliveries (a signal cannot be held back without ptrace)");
  }
  return std::nullopt;
}

}  // namespace sigvisor
