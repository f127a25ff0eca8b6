// Maps (AUDIT_ARCH, syscall number) from a seccomp notification to our Sys. The native
// ABI comes from the table; i386 numbers (x86_64 hosts) from libseccomp's own tables, with
// i386's fcntl64 as fcntl.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "syscall_table.h"

namespace sigvisor {

class ArchMap {
 public:
  ArchMap();
  std::optional<Sys> lookup(uint32_t arch, int nr) const;
  static uint32_t native_arch();
  static const char* arch_name(uint32_t arch);

 private:
  std::array<std::optional<Sys>, 512> native_{};
  std::unordered_map<int, Sys> compat_;  // i386 on x86_64
};

}  // namespace sigvisor
