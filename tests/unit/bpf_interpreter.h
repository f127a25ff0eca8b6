// A small classic-BPF interpreter for the seccomp filter tests: the subset of opcodes
// libseccomp emits; any other opcode fails the test.
#pragma once

#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstring>
#include <optional>

#include "kernel/seccomp_filter.h"

namespace sigvisor::test {

// Runs `prog` on `data` as the kernel's seccomp does (seccomp_data is the packet, loads
// are 32-bit little-endian words). nullopt on an opcode outside the subset or a bad jump.
inline std::optional<uint32_t> run_bpf(const BpfProgram& prog, const seccomp_data& data) {
  unsigned char packet[sizeof(seccomp_data)];
  std::memcpy(packet, &data, sizeof data);
  uint32_t a = 0;
  uint32_t x = 0;
  uint32_t mem[BPF_MEMWORDS] = {};
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    auto jump = [&](bool taken) { pc += taken ? f.jt : f.jf; };
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k + 4 > sizeof packet || f.k % 4 != 0) return std::nullopt;
        std::memcpy(&a, packet + f.k, 4);
        break;
      case BPF_LD | BPF_IMM:
        a = f.k;
        break;
      case BPF_LDX | BPF_IMM:
        x = f.k;
        break;
      case BPF_LD | BPF_MEM:
        if (f.k >= BPF_MEMWORDS) return std::nullopt;
        a = mem[f.k];
        break;
      case BPF_LDX | BPF_MEM:
        if (f.k >= BPF_MEMWORDS) return std::nullopt;
        x = mem[f.k];
        break;
      case BPF_ST:
        if (f.k >= BPF_MEMWORDS) return std::nullopt;
        mem[f.k] = a;
        break;
      case BPF_STX:
        if (f.k >= BPF_MEMWORDS) return std::nullopt;
        mem[f.k] = x;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a &= f.k;
        break;
      case BPF_ALU | BPF_OR | BPF_K:
        a |= f.k;
        break;
      case BPF_MISC | BPF_TAX:
        x = a;
        break;
      case BPF_MISC | BPF_TXA:
        a = x;
        break;
      case BPF_JMP | BPF_JA:
        pc += f.k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        jump(a == f.k);
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        jump(a > f.k);
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        jump(a >= f.k);
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        jump((a & f.k) != 0);
        break;
      case BPF_JMP | BPF_JEQ | BPF_X:
        jump(a == x);
        break;
      case BPF_JMP | BPF_JGT | BPF_X:
        jump(a > x);
        break;
      case BPF_JMP | BPF_JGE | BPF_X:
        jump(a >= x);
        break;
      case BPF_RET | BPF_K:
        return f.k;
      case BPF_RET | BPF_A:
        return a;
      default:
        ADD_FAILURE() << "opcode 0x" << std::hex << f.code << " at " << std::dec << pc;
        return std::nullopt;
    }
  }
  return std::nullopt;  // fell off the end: the kernel's verifier rejects such a program
}

}  // namespace sigvisor::test
