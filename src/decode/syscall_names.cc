// si_syscall of a SIGSYS siginfo as strace 6.1 prints it: "__NR_getpid" when the number
// belongs to the native personality, "4 /* write */" for a compat one (i386, x32), and the
// plain unsigned number otherwise. Only x86_64 builds carry name tables.
#include <linux/audit.h>

#include <algorithm>
#include <span>

#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

struct SyscallName {
  uint32_t nr;
  std::string_view name;
};

#if defined(__x86_64__)
#include "decode/syscall_names_x86.inc"

constexpr uint32_t kX32Bit = 0x40000000;

struct Personality {
  std::span<const SyscallName> names;
  bool native;
  uint32_t nr;
};

std::optional<Personality> personality(uint32_t nr, uint32_t arch) {
  if (arch == AUDIT_ARCH_X86_64) {
    if (nr & kX32Bit) return Personality{kX32, false, nr & ~kX32Bit};
    return Personality{kX86_64, true, nr};
  }
  if (arch == AUDIT_ARCH_I386) return Personality{kI386, false, nr};
  return std::nullopt;
}
#else
struct Personality {
  std::span<const SyscallName> names;
  bool native;
  uint32_t nr;
};
std::optional<Personality> personality(uint32_t, uint32_t) {
  return std::nullopt;
}
#endif

[[maybe_unused]] std::optional<std::string_view> lookup(std::span<const SyscallName> t,
                                                        uint32_t nr) {
  auto it = std::lower_bound(t.begin(), t.end(), nr,
                             [](const SyscallName& e, uint32_t n) { return e.nr < n; });
  if (it == t.end() || it->nr != nr) return std::nullopt;
  return it->name;
}

}  // namespace

void format_si_syscall(int32_t nr_signed, uint32_t arch, std::string& out) {
  const uint32_t nr = static_cast<uint32_t>(nr_signed);
  std::optional<std::string_view> name;
  auto p = personality(nr, arch);
  if (p) name = lookup(p->names, p->nr);
  if (name && p->native) {
    out += "__NR_";
    out += *name;
    return;
  }
  out += std::to_string(nr);
  if (name) {
    out += " /* ";
    out += *name;
    out += " */";
  }
}

}  // namespace sigvisor::decode
