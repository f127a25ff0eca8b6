// Maps (AUDIT_ARCH, syscall number) from a seccomp notification to our Sys. The native
// ABI comes from the table; i386 numbers (x86_64 hosts) from libseccomp's own tables, with
// i386's fcntl64 as fcntl.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "names/syscall_table.h"

namespace sigvisor {

// A call made through an ABI sigvisor does not decode (x32, or an i386 signal call that
// is not routed): what an event can say about it.
struct ForeignCall {
  const char* abi = "unknown";  // "x32", "i386", ...
  std::string name;             // the syscall's name on that ABI, or syscall_0xNR
};

class ArchMap {
 public:
  ArchMap();
  std::optional<Sys> lookup(uint32_t arch, int nr) const;
  static uint32_t native_arch();
  static const char* arch_name(uint32_t arch);
  // (AUDIT_ARCH, nr) of a call the filter refused as foreign. x32 calls come with the
  // native AUDIT_ARCH and __X32_SYSCALL_BIT in nr.
  static ForeignCall describe_foreign(uint32_t arch, uint64_t nr);

 private:
  std::array<std::optional<Sys>, 512> native_{};
  std::unordered_map<int, Sys> compat_;  // i386 on x86_64
};

}  // namespace sigvisor
