// One intercepted syscall as the supervisor captured it: the register arguments and a
// fixed-size snapshot of every pointer argument. Plain data, no allocation, so the hot
// path can copy it into the event queue and decoders can format it later (or in tests).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "syscall_table.h"

namespace sigvisor {

// Bytes read from the tracee at `addr` (at entry for inputs, after return for outputs).
//
// Only the first `size` bytes of `bytes` mean anything, and only once `read`: the rest is
// left uninitialised and a copy carries the meaningful prefix alone. A call has six of
// these, mostly unused; zeroing and copying all 768 bytes per call, then pulling them
// through the writer thread's cache, cost ~0.1 us of a ~2.5 us call (docs/performance.md).
struct UserBuffer {
  static constexpr std::size_t kCapacity = 128;
  uint64_t addr = 0;                     // the pointer value as the tracee passed it; 0 is NULL
  uint16_t size = 0;                     // bytes wanted
  bool read = false;                     // a read was attempted
  bool ok = false;                       // the read returned all `size` bytes
  std::array<uint8_t, kCapacity> bytes;  // NOLINT(cppcoreguidelines-pro-type-member-init)

  // User-provided, so that value-initialisation (`mem{}`) does not zero `bytes`.
  UserBuffer() noexcept {}  // NOLINT(modernize-use-equals-default)
  UserBuffer(const UserBuffer& o) noexcept { *this = o; }
  UserBuffer& operator=(const UserBuffer& o) noexcept {
    addr = o.addr;
    size = o.size;
    read = o.read;
    ok = o.ok;
    if (o.read) std::memcpy(bytes.data(), o.bytes.data(), std::min<std::size_t>(o.size, kCapacity));
    return *this;
  }
  ~UserBuffer() = default;
};

struct CallData {
  Sys sys = Sys::kill;
  uint32_t arch = 0;  // AUDIT_ARCH_* of the calling thread
  std::array<uint64_t, 6> regs{};
  std::array<UserBuffer, 6> mem{};  // mem[i] describes regs[i] when it is a pointer
  // The result when known: --results mode, or a denial (then -errno). Raw kernel value.
  std::optional<int64_t> retval;
};

// The signal a call sends, sets a handler for, etc. (its Arg::sig argument, after the
// command of an indirect call: F_SETSIG's, TIOCSIG's, PR_SET_PDEATHSIG's); -1 if none.
inline int signal_of(const CallData& c) {
  const SyscallSpec& s = spec(c.sys);
  for (int i = 0; i < s.nargs; ++i) {
    if (arg_kind(s, c.regs, i) == Arg::sig) return static_cast<int>(c.regs[i]);
  }
  return -1;
}

// Whether the call's target is read from tracee memory (F_SETOWN_EX, FIOSETOWN, TIOCSPGRP):
// racy. A command aimed at the caller itself (TIOCSTI's byte) reads memory for its text only.
inline bool target_in_memory(const CallData& c) {
  const IndirectCommand* cmd = indirect_command(c.sys, c.regs);
  return cmd != nullptr && is_in_pointer(cmd->arg) && cmd->aim != Aim::self;
}

// Whether the call's target is what one of the caller's fds leads to (pidfd_send_signal's
// pidfd, F_SETSIG's fd owner, TIOCSIG's pty): racy, since another thread can dup2() another
// fd over it between the supervisor's look and the kernel's.
inline bool target_through_fd(const CallData& c) {
  if (c.sys == Sys::pidfd_send_signal) return true;
  const IndirectCommand* cmd = indirect_command(c.sys, c.regs);
  return cmd != nullptr && (cmd->aim == Aim::fd_owner || cmd->aim == Aim::fd_foreground);
}

}  // namespace sigvisor
