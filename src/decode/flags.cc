// Name tables for bit flags (SA_*, SS_*, SFD_*, PIDFD_*) and enumerations (SIG_BLOCK...,
// AUDIT_ARCH_*, RLIMIT_*), in strace 6.1's order, and their printflags/printxval formatting.
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/prctl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <array>

#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

// strace's sigact_flags order; SA_UNSUPPORTED (0x400) and SA_EXPOSE_TAGBITS (0x800) are
// unknown to strace 6.1 and print as hex.
constexpr std::array<Named, 8> kSa = {{
    {0x04000000, "SA_RESTORER"},
    {0x08000000, "SA_ONSTACK"},
    {0x10000000, "SA_RESTART"},
    {0x40000000, "SA_NODEFER"},
    {0x80000000, "SA_RESETHAND"},
    {0x00000004, "SA_SIGINFO"},
    {0x00000001, "SA_NOCLDSTOP"},
    {0x00000002, "SA_NOCLDWAIT"},
}};

constexpr std::array<Named, 3> kSs = {{
    {1, "SS_ONSTACK"},
    {2, "SS_DISABLE"},
    {0x80000000, "SS_AUTODISARM"},
}};

constexpr std::array<Named, 2> kSfd = {{
    {0x80000, "SFD_CLOEXEC"},  // O_CLOEXEC
    {0x800, "SFD_NONBLOCK"},   // O_NONBLOCK
}};

constexpr std::array<Named, 1> kPidfd = {{{0x800, "PIDFD_NONBLOCK"}}};

constexpr std::array<Named, 3> kHow = {{{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}}};

constexpr Named kArch[] = {
    {AUDIT_ARCH_AARCH64, "AUDIT_ARCH_AARCH64"},
    {AUDIT_ARCH_ALPHA, "AUDIT_ARCH_ALPHA"},
    {AUDIT_ARCH_ARCOMPACT, "AUDIT_ARCH_ARCOMPACT"},
    {AUDIT_ARCH_ARCOMPACTBE, "AUDIT_ARCH_ARCOMPACTBE"},
    {AUDIT_ARCH_ARCV2, "AUDIT_ARCH_ARCV2"},
    {AUDIT_ARCH_ARCV2BE, "AUDIT_ARCH_ARCV2BE"},
    {AUDIT_ARCH_ARM, "AUDIT_ARCH_ARM"},
    {AUDIT_ARCH_ARMEB, "AUDIT_ARCH_ARMEB"},
    {AUDIT_ARCH_C6X, "AUDIT_ARCH_C6X"},
    {AUDIT_ARCH_C6XBE, "AUDIT_ARCH_C6XBE"},
    {AUDIT_ARCH_CRIS, "AUDIT_ARCH_CRIS"},
    {AUDIT_ARCH_CSKY, "AUDIT_ARCH_CSKY"},
    {AUDIT_ARCH_FRV, "AUDIT_ARCH_FRV"},
    {AUDIT_ARCH_H8300, "AUDIT_ARCH_H8300"},
    {AUDIT_ARCH_HEXAGON, "AUDIT_ARCH_HEXAGON"},
    {AUDIT_ARCH_I386, "AUDIT_ARCH_I386"},
    {AUDIT_ARCH_IA64, "AUDIT_ARCH_IA64"},
    {AUDIT_ARCH_M32R, "AUDIT_ARCH_M32R"},
    {AUDIT_ARCH_M68K, "AUDIT_ARCH_M68K"},
    {AUDIT_ARCH_MICROBLAZE, "AUDIT_ARCH_MICROBLAZE"},
    {AUDIT_ARCH_MIPS, "AUDIT_ARCH_MIPS"},
    {AUDIT_ARCH_MIPSEL, "AUDIT_ARCH_MIPSEL"},
    {AUDIT_ARCH_MIPS64, "AUDIT_ARCH_MIPS64"},
    {AUDIT_ARCH_MIPS64N32, "AUDIT_ARCH_MIPS64N32"},
    {AUDIT_ARCH_MIPSEL64, "AUDIT_ARCH_MIPSEL64"},
    {AUDIT_ARCH_MIPSEL64N32, "AUDIT_ARCH_MIPSEL64N32"},
    {AUDIT_ARCH_NDS32, "AUDIT_ARCH_NDS32"},
    {AUDIT_ARCH_NDS32BE, "AUDIT_ARCH_NDS32BE"},
    {AUDIT_ARCH_NIOS2, "AUDIT_ARCH_NIOS2"},
    {AUDIT_ARCH_OPENRISC, "AUDIT_ARCH_OPENRISC"},
    {AUDIT_ARCH_PARISC, "AUDIT_ARCH_PARISC"},
    {AUDIT_ARCH_PARISC64, "AUDIT_ARCH_PARISC64"},
    {AUDIT_ARCH_PPC, "AUDIT_ARCH_PPC"},
    {AUDIT_ARCH_PPC64, "AUDIT_ARCH_PPC64"},
    {AUDIT_ARCH_PPC64LE, "AUDIT_ARCH_PPC64LE"},
    {AUDIT_ARCH_RISCV32, "AUDIT_ARCH_RISCV32"},
    {AUDIT_ARCH_RISCV64, "AUDIT_ARCH_RISCV64"},
    {AUDIT_ARCH_S390, "AUDIT_ARCH_S390"},
    {AUDIT_ARCH_S390X, "AUDIT_ARCH_S390X"},
    {AUDIT_ARCH_SH, "AUDIT_ARCH_SH"},
    {AUDIT_ARCH_SHEL, "AUDIT_ARCH_SHEL"},
    {AUDIT_ARCH_SH64, "AUDIT_ARCH_SH64"},
    {AUDIT_ARCH_SHEL64, "AUDIT_ARCH_SHEL64"},
    {AUDIT_ARCH_SPARC, "AUDIT_ARCH_SPARC"},
    {AUDIT_ARCH_SPARC64, "AUDIT_ARCH_SPARC64"},
    {AUDIT_ARCH_TILEGX, "AUDIT_ARCH_TILEGX"},
    {AUDIT_ARCH_TILEGX32, "AUDIT_ARCH_TILEGX32"},
    {AUDIT_ARCH_TILEPRO, "AUDIT_ARCH_TILEPRO"},
    {AUDIT_ARCH_UNICORE, "AUDIT_ARCH_UNICORE"},
    {AUDIT_ARCH_X86_64, "AUDIT_ARCH_X86_64"},
    {AUDIT_ARCH_XTENSA, "AUDIT_ARCH_XTENSA"},
#ifdef AUDIT_ARCH_LOONGARCH64
    {AUDIT_ARCH_LOONGARCH32, "AUDIT_ARCH_LOONGARCH32"},
    {AUDIT_ARCH_LOONGARCH64, "AUDIT_ARCH_LOONGARCH64"},
#endif
};

// Only the commands the filter routes (names/syscall_table.cc kIndirect) ever reach a decoder.
constexpr std::array<Named, 3> kFcntlCmds = {{
    {F_SETOWN, "F_SETOWN"},
    {F_SETSIG, "F_SETSIG"},
    {F_SETOWN_EX, "F_SETOWN_EX"},
}};
constexpr std::array<Named, 7> kIoctls = {{
    {TIOCSIG, "TIOCSIG"},
    {FIOSETOWN, "FIOSETOWN"},
    {SIOCSPGRP, "SIOCSPGRP"},
    {TIOCSTI, "TIOCSTI"},
    {TIOCSPGRP, "TIOCSPGRP"},
    {TIOCSCTTY, "TIOCSCTTY"},
    {TIOCSETD, "TIOCSETD"},
}};
constexpr std::array<Named, 2> kPrctl = {
    {{PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"}, {PR_SET_NAME, "PR_SET_NAME"}}};
constexpr std::array<Named, 16> kRlimits = {{
    {0, "RLIMIT_CPU"},
    {1, "RLIMIT_FSIZE"},
    {2, "RLIMIT_DATA"},
    {3, "RLIMIT_STACK"},
    {4, "RLIMIT_CORE"},
    {5, "RLIMIT_RSS"},
    {6, "RLIMIT_NPROC"},
    {7, "RLIMIT_NOFILE"},
    {8, "RLIMIT_MEMLOCK"},
    {9, "RLIMIT_AS"},
    {10, "RLIMIT_LOCKS"},
    {11, "RLIMIT_SIGPENDING"},
    {12, "RLIMIT_MSGQUEUE"},
    {13, "RLIMIT_NICE"},
    {14, "RLIMIT_RTPRIO"},
    {15, "RLIMIT_RTTIME"},
}};
constexpr std::array<Named, 3> kOwner = {{
    {F_OWNER_TID, "F_OWNER_TID"},
    {F_OWNER_PID, "F_OWNER_PID"},
    {F_OWNER_PGRP, "F_OWNER_PGRP"},
}};

}  // namespace

const FlagTable kFcntlCmdValues{kFcntlCmds, "F_???"};
const FlagTable kIoctlValues{kIoctls, "???"};
const FlagTable kPrctlOptions{kPrctl, "PR_???"};
const FlagTable kOwnerTypes{kOwner, "F_OWNER_???"};
const FlagTable kRlimitResources{kRlimits, "RLIMIT_???"};
const FlagTable kSigactionFlags{kSa, "SA_???"};
const FlagTable kStackFlags{kSs, "SS_???"};
const FlagTable kSfdFlags{kSfd, "SFD_???"};
const FlagTable kPidfdOpenFlags{kPidfd, "PIDFD_???"};
const FlagTable kNoFlags{{}, "???"};
const FlagTable kHowValues{kHow, "SIG_???"};
const FlagTable kAuditArchValues{kArch, "AUDIT_ARCH_???"};

void format_flags(uint64_t v, const FlagTable& t, std::string& out) {
  if (v == 0) {
    out += '0';
    return;
  }
  bool any = false;
  for (const Named& e : t.entries) {
    if (e.value != 0 && (v & e.value) == e.value) {
      if (any) out += '|';
      out += e.name;
      any = true;
      v &= ~e.value;
    }
  }
  if (v == 0) return;
  if (any) {
    out += '|';
    format_hex(v, out);
  } else {
    format_hex(v, out);
    out += " /* ";
    out += t.unknown;
    out += " */";
  }
}

nlohmann::json flags_json(uint64_t v, const FlagTable& t) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Named& e : t.entries) {
    if (e.value != 0 && (v & e.value) == e.value) {
      arr.push_back(e.name);
      v &= ~e.value;
    }
  }
  if (v != 0) arr.push_back({{"unknown", hex_string(v)}});
  return arr;
}

const std::string_view* find_value(uint64_t v, const FlagTable& t) {
  for (const Named& e : t.entries) {
    if (e.value == v) return &e.name;
  }
  return nullptr;
}

void format_xval(uint64_t v, const FlagTable& t, std::string& out) {
  if (const std::string_view* name = find_value(v, t)) {
    out += *name;
    return;
  }
  format_hex(v, out);
  out += " /* ";
  out += t.unknown;
  out += " */";
}

nlohmann::json xval_json(uint64_t v, const FlagTable& t) {
  if (const std::string_view* name = find_value(v, t)) return std::string(*name);
  return v;
}

}  // namespace sigvisor::decode
