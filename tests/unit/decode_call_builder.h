// Building CallData by hand for the decoder tests (decode_call_text_test.cc,
// decode_json_test.cc): registers first, then the bytes pointer arguments pointed to, in
// the kernel's layouts.
#pragma once

#include <signal.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "decode/decode.h"

namespace sigvisor::test {

constexpr uint64_t kA = 0x7ffdb6a5f500;    // a readable user pointer
constexpr uint64_t kB = 0x7ffdb6a5f4f8;    // another one
constexpr uint64_t kBad = 0x7f21dda89000;  // an unmapped page

struct KSigaction {
  uint64_t handler, flags, restorer, mask;
};
struct KStack {
  uint64_t sp;
  int32_t flags;
  int32_t pad;
  uint64_t size;
};
struct KTimespec {
  int64_t sec;
  int64_t nsec;
};

inline uint64_t set_of(std::initializer_list<int> sigs) {
  uint64_t m = 0;
  for (int s : sigs) m |= uint64_t{1} << (s - 1);
  return m;
}

inline siginfo_t info(int signo, int code) {
  siginfo_t si;
  std::memset(&si, 0, sizeof si);
  si.si_signo = signo;
  si.si_code = code;
  return si;
}

// A call under construction: registers first, then what pointer arguments pointed to.
struct Call {
  CallData d;
  Call(Sys s, std::initializer_list<uint64_t> regs) {
    d.sys = s;
    int i = 0;
    for (uint64_t r : regs) d.regs[i++] = r;
  }
  // regs[i] pointed to `v` (read at entry for inputs, after return for outputs).
  template <class T>
  Call& mem(int i, const T& v, std::size_t n = sizeof(T)) {
    static_assert(sizeof(T) <= 128);
    UserBuffer& b = d.mem[i];
    b.addr = d.regs[i];
    b.size = static_cast<uint16_t>(n);
    b.read = true;
    b.ok = true;
    std::memcpy(b.bytes.data(), &v, n);
    return *this;
  }
  // regs[i] could not be read (EFAULT from process_vm_readv).
  Call& unreadable(int i) {
    d.mem[i].addr = d.regs[i];
    d.mem[i].size = 8;
    d.mem[i].read = true;
    d.mem[i].ok = false;
    return *this;
  }
  Call& ret(int64_t r) {
    d.retval = r;
    return *this;
  }
};

}  // namespace sigvisor::test
