// See syscall_arch.h. Built once per notify loop, read-only afterwards.
#include "kernel/syscall_arch.h"

#include <linux/audit.h>
#include <seccomp.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sigvisor {

uint32_t ArchMap::native_arch() {
#if defined(__x86_64__)
  return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  return AUDIT_ARCH_AARCH64;
#else
  return seccomp_arch_native();
#endif
}

const char* ArchMap::arch_name(uint32_t arch) {
  switch (arch) {
    case AUDIT_ARCH_X86_64:
      return "x86_64";
    case AUDIT_ARCH_I386:
      return "i386";
    case AUDIT_ARCH_AARCH64:
      return "aarch64";
    default:
      return "unknown";
  }
}

ForeignCall ArchMap::describe_foreign(uint32_t arch, uint64_t nr) {
  constexpr uint64_t kX32Bit = 0x40000000;
  ForeignCall f;
  uint32_t token = 0;
  if (arch == AUDIT_ARCH_X86_64 && (nr & kX32Bit) != 0) {
    f.abi = "x32";
    token = SCMP_ARCH_X32;
  } else {
    f.abi = arch_name(arch);
    if (arch == AUDIT_ARCH_I386) token = SCMP_ARCH_X86;
  }
  if (token != 0 && nr <= 0x7fffffff) {
    char* name = seccomp_syscall_resolve_num_arch(token, static_cast<int>(nr));
    if (name != nullptr) {
      f.name = name;
      std::free(name);  // NOLINT(cppcoreguidelines-no-malloc): libseccomp's allocation
    }
  }
  if (f.name.empty()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "syscall_%#llx", static_cast<unsigned long long>(nr));
    f.name = buf;
  }
  return f;
}

ArchMap::ArchMap() {
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    if (s.native_nr >= 0 && static_cast<std::size_t>(s.native_nr) < native_.size()) {
      native_[static_cast<std::size_t>(s.native_nr)] = s.id;
    }
#if defined(__x86_64__)
    // Only the families the filter routes for i386 (their layouts are the native ones);
    // the others are foreign calls, refused and recorded as such.
    const bool routed_compat = s.family == Family::send || s.family == Family::limit ||
                               s.family == Family::indirect || s.family == Family::pgrp;
    int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, std::string(s.name).c_str());
    if (nr >= 0 && routed_compat) compat_[nr] = s.id;
#endif
  }
#if defined(__x86_64__)
  // i386's fcntl64 takes the same commands as fcntl (the filter routes both).
  int fcntl64 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "fcntl64");
  if (fcntl64 >= 0) compat_[fcntl64] = Sys::fcntl;
#endif
}

std::optional<Sys> ArchMap::lookup(uint32_t arch, int nr) const {
  if (arch == native_arch()) {
    if (nr < 0 || static_cast<std::size_t>(nr) >= native_.size()) return std::nullopt;
    return native_[static_cast<std::size_t>(nr)];
  }
  auto it = compat_.find(nr);
  if (it == compat_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sigvisor
