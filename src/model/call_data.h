// One intercepted syscall as the supervisor captured it: the register arguments and a
// fixed-size snapshot of every pointer argument. Plain data, no allocation, so the hot
// path can copy it into the event queue and decoders can format it later (or in tests).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "names/syscall_table.h"

namespace sigvisor {

// Bytes read from the tracee at `addr` (at entry for inputs, after return for outputs).
struct UserBuffer {
  uint64_t addr = 0;  // the pointer value as the tracee passed it; 0 is NULL
  uint16_t size = 0;  // bytes wanted
  bool read = false;  // a read was attempted
  bool ok = false;    // the read returned all `size` bytes
  std::array<uint8_t, 128> bytes{};
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
