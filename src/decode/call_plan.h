// How each argument of a call is shown: the one place that applies strace's rules (which
// width a register has, when a pointer is decoded or printed as an address, which sigset
// sizes strace accepts). call_text.cc and call_json.cc render the same plan.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "decode/decode_internal.h"
#include "model/call_data.h"

namespace sigvisor::decode {

enum class View : uint8_t {
  int32,    // pid, tid, fd: the register as a C int
  uint64,   // sizes: the whole register, unsigned
  signal,   // printsignal of the register as a C int
  how,      // SIG_BLOCK... of the low 32 bits
  flags32,  // printflags of the low 32 bits with `table`
  hex32,    // %#x of the low 32 bits (pidfd_send_signal's flags)
  addr,     // the pointer value only: NULL or 0x...
  sigset,   // decoded from `buf`, `len` bytes
  siginfo,
  sigaction,
  stack,
  timespec,
  sigreturn,  // rt_sigreturn's {mask=...} read from the signal frame into mem[0]
  command,    // printxval of the low 32 bits with `table` (fcntl cmd, ioctl request, prctl
              // option, prlimit64's resource)
  hex64,      // %#lx of the whole register (an indirect call's argument strace does not decode)
  sig_hex,    // TIOCSIG's signal: %#lx in text as strace 6.1 prints it, a signal in JSON
  owner_ex,   // struct f_owner_ex from `buf`
  int_ptr,    // [int] from `buf` (FIOSETOWN, SIOCSPGRP, TIOCSPGRP, TIOCSETD)
  byte_str,   // one byte from `buf` as a quoted string (TIOCSTI)
  comm_str,   // a task name from `buf`: up to a NUL within 15 bytes, else 15 bytes and
              // strace's "..." (PR_SET_NAME)
  rlimit,     // struct rlimit64 from `buf`
};

struct ArgPlan {
  View view = View::addr;
  uint64_t value = 0;                // the register
  const FlagTable* table = nullptr;  // flags32
  const UserBuffer* buf = nullptr;   // decoded views
  std::size_t len = 0;               // decoded views: bytes needed
};

struct CallPlan {
  std::array<ArgPlan, 6> args{};
  std::array<std::string_view, 6> names{};
  int nargs = 0;
};

CallPlan plan_call(const CallData& c);

}  // namespace sigvisor::decode
