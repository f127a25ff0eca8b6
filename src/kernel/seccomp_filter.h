// Builds the seccomp-bpf program that routes signal syscalls to the supervisor, and
// installs it (in the launched child) with a user-notification listener.
#pragma once

#include <linux/filter.h>

#include <bitset>
#include <vector>

#include "result.h"
#include "syscall_table.h"

namespace sigvisor {

struct FilterSpec {
  std::bitset<kSysCount> notify;  // decided by the notify loop (fast path)
  std::bitset<kSysCount> trace;   // SECCOMP_RET_TRACE: decided at a ptrace stop (--results)
};

using BpfProgram = std::vector<sock_filter>;

// Compiled in the supervisor before fork so that errors surface there. Beyond routing, the
// program closes the threat-model holes that are decidable on registers: clone with
// CLONE_UNTRACED fails with EPERM (it would escape ptrace following) and clone3 fails with
// ENOSYS (its flags live in memory; libc falls back to clone). Syscalls of foreign ABIs
// (x32) kill the process; i386 send- and limit-family calls are routed like native ones.
Result<BpfProgram> build_filter(const FilterSpec& spec);

struct InstalledFilter {
  int listener = -1;           // notification fd, -errno on failure
  bool wait_killable = false;  // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV was accepted
};

// Runs in the single-threaded child after PR_SET_NO_NEW_PRIVS. Async-signal-safe.
InstalledFilter install_filter(const BpfProgram& prog);

}  // namespace sigvisor
