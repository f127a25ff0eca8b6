// Builds the seccomp-bpf program that routes signal syscalls to the supervisor, and
// installs it (in the launched child) with a user-notification listener.
#pragma once

#include <linux/filter.h>

#include <bitset>
#include <cstdint>
#include <map>
#include <vector>

#include "base/result.h"
#include "names/syscall_table.h"

namespace sigvisor {

struct FilterSpec {
  std::bitset<kSysCount> notify;  // decided by the notify loop (fast path)
  std::bitset<kSysCount> trace;   // SECCOMP_RET_TRACE: decided at a ptrace stop (--results)
  // Calls through a foreign ABI (x32, the i386 signal calls not routed) notify instead of
  // stopping for ptrace: an engine without ptrace refuses and records them in its receiver.
  bool foreign_to_notify = false;
  // Syscalls routed (notify) only when the low 32 bits of their first argument are one of
  // these values (the kernel engine's built-in protection on constants: sigvisor's pid, its
  // group as -pgid, 0, -1); every other call of them runs at native speed. A syscall in
  // `notify` or `trace` is routed whatever its arguments.
  std::map<Sys, std::vector<uint32_t>> notify_if_arg0;
};

using BpfProgram = std::vector<sock_filter>;

// Compiled in the supervisor before fork so that errors surface there. Beyond routing, the
// program closes the threat-model holes that are decidable on registers: clone with
// CLONE_UNTRACED fails with EPERM (it would escape ptrace following) and clone3 fails with
// ENOSYS (its flags live in memory; libc falls back to clone). i386 send-, limit- and
// indirect-family calls are routed like native ones; every x32 call and the i386 signal
// calls we do not decode stop the caller for ptrace with kForeignAbiTraceData, so that
// sigvisor refuses them with ENOSYS and records the attempt (foreign_calls.h).
Result<BpfProgram> build_filter(const FilterSpec& spec);

// SECCOMP_RET_DATA of the foreign-ABI refusals (PTRACE_GETEVENTMSG / ptrace_syscall_info's
// ret_data at the seccomp stop); routed calls use 0.
inline constexpr uint16_t kForeignAbiTraceData = 0xfab;

struct InstalledFilter {
  int listener = -1;           // notification fd, -errno on failure
  bool wait_killable = false;  // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV was accepted
};

// Runs in the single-threaded child after PR_SET_NO_NEW_PRIVS. Async-signal-safe.
InstalledFilter install_filter(const BpfProgram& prog);

}  // namespace sigvisor
