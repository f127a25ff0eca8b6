// See landlock.h. Raw syscalls: glibc 2.36 has no Landlock wrappers.
#include "kernel/landlock.h"

#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "kernel/kernel_compat.h"

namespace sigvisor {
namespace {

// The ABI 6 layout of struct landlock_ruleset_attr (the kernel accepts the size we pass).
struct RulesetAttrV6 {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

}  // namespace

int landlock_abi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi > 0 ? static_cast<int>(abi) : 0;
}

Result<UniqueFd> signal_scope_ruleset() {
  int abi = landlock_abi();
  if (abi < kLandlockScopeAbi) {
    return make_error(abi == 0 ? std::string("Landlock is not available on this kernel")
                               : "the kernel's Landlock ABI is " + std::to_string(abi) +
                                     ", signal scoping needs ABI " +
                                     std::to_string(kLandlockScopeAbi) + " (Linux 6.12)");
  }
  RulesetAttrV6 attr{0, 0, LANDLOCK_SCOPE_SIGNAL};
  long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (fd < 0) {
    return make_error(std::string("landlock_create_ruleset: ") + std::strerror(errno));
  }
  return UniqueFd(static_cast<int>(fd));
}

int enter_landlock_domain(int ruleset_fd) {
  if (syscall(SYS_landlock_restrict_self, ruleset_fd, 0) != 0) return -errno;
  return 0;
}

}  // namespace sigvisor
