// libseccomp builds the program (names resolved per architecture); we export the BPF and
// load it with seccomp(2) ourselves because libseccomp 2.5 cannot ask for
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which keeps signals from aborting a pending
// notification (an abort would turn into an EINTR the program never sees natively).
#include "seccomp_filter.h"

#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "kernel_compat.h"
#include "unique_fd.h"

namespace sigvisor {
namespace {

struct CtxDeleter {
  void operator()(void* c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

Error lib_error(const char* what, int rc) {
  return make_error(std::string("seccomp: ") + what + ": " + std::strerror(-rc));
}

// Adds `action` for `name` on every architecture in the context, skipping those that
// do not have the syscall (pause and signalfd are absent on aarch64).
int add_rule(void* ctx, uint32_t action, const char* name) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return 0;
  return seccomp_rule_add(ctx, action, nr, 0);
}

// One architecture's rules. `send_only` limits routing to the send family, whose
// arguments are all registers; other families pass pointers to ABI-specific layouts.
Status add_rules(void* ctx, const FilterSpec& want, bool send_only) {
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    if (send_only && s.family != Family::send) continue;
    uint32_t action = 0;
    if (want.trace.test(i)) {
      action = SCMP_ACT_TRACE(0);
    } else if (want.notify.test(i)) {
      action = SCMP_ACT_NOTIFY;
    } else {
      continue;
    }
    int rc = add_rule(ctx, action, std::string(s.name).c_str());
    if (rc < 0) return lib_error(std::string(s.name).c_str(), rc);
  }
  // CLONE_UNTRACED would let a child escape ptrace following.
  int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name("clone"), 1,
                            SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_UNTRACED, CLONE_UNTRACED));
  if (rc < 0) return lib_error("clone rule", rc);
  int clone3_nr = seccomp_syscall_resolve_name("clone3");
  if (clone3_nr != __NR_SCMP_ERROR) {
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), clone3_nr, 0);
    if (rc < 0) return lib_error("clone3 rule", rc);
  }
  return Ok{};
}

Result<Ctx> new_context() {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return make_error("seccomp: seccomp_init failed");
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (rc < 0) return lib_error("bad-arch action", rc);
  rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);  // the launcher sets it itself
  if (rc < 0) return lib_error("no_new_privs attribute", rc);
  return ctx;
}

}  // namespace

Result<BpfProgram> build_filter(const FilterSpec& want) {
  auto ctx = new_context();
  if (!ctx) return ctx.error();
  if (auto st = add_rules(ctx->get(), want, false); !st) return st.error();
#if defined(__x86_64__)
  // i386 `int 0x80` works from x86_64 processes: route that ABI's send family too.
  auto ctx32 = new_context();
  if (!ctx32) return ctx32.error();
  int rc = seccomp_arch_add(ctx32->get(), SCMP_ARCH_X86);
  if (rc < 0) return lib_error("add i386 architecture", rc);
  rc = seccomp_arch_remove(ctx32->get(), SCMP_ARCH_NATIVE);
  if (rc < 0) return lib_error("remove native architecture", rc);
  if (auto st = add_rules(ctx32->get(), want, true); !st) return st.error();
  rc = seccomp_merge(ctx->get(), ctx32->release());  // merge takes ownership on success
  if (rc < 0) return lib_error("merge i386 rules", rc);
#endif

  UniqueFd mem(memfd_create("sigvisor-bpf", MFD_CLOEXEC));
  if (!mem.valid()) return make_error(std::string("memfd_create: ") + std::strerror(errno));
  int rc2 = seccomp_export_bpf(ctx->get(), mem.get());
  if (rc2 < 0) return lib_error("export", rc2);
  off_t len = lseek(mem.get(), 0, SEEK_END);
  if (len <= 0 || len % sizeof(sock_filter) != 0) return make_error("seccomp: bad program size");
  BpfProgram prog(static_cast<std::size_t>(len) / sizeof(sock_filter));
  if (pread(mem.get(), prog.data(), static_cast<std::size_t>(len), 0) != len) {
    return make_error(std::string("seccomp: read program: ") + std::strerror(errno));
  }
  return prog;
}

InstalledFilter install_filter(const BpfProgram& prog) {
  sock_fprog fprog{};
  fprog.len = static_cast<unsigned short>(prog.size());
  fprog.filter = const_cast<sock_filter*>(prog.data());
  unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (fd < 0 && errno == EINVAL) {  // kernel older than 5.19: no killable wait
    flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
    if (fd >= 0) return {static_cast<int>(fd), false};
  }
  if (fd < 0) return {-errno, false};
  return {static_cast<int>(fd), true};
}

}  // namespace sigvisor
