// libseccomp builds the program (names resolved per architecture); we export the BPF and
// load it with seccomp(2) ourselves because libseccomp 2.5 cannot ask for
// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which keeps signals from aborting a pending
// notification (an abort would turn into an EINTR the program never sees natively).
#include "kernel/seccomp_filter.h"

#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "base/unique_fd.h"
#include "kernel/kernel_compat.h"

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

// The position of the first argument of kind `kind`, or -1.
int arg_index(const SyscallSpec& s, Arg kind) {
  for (int i = 0; i < s.nargs; ++i) {
    if (s.args[i] == kind) return i;
  }
  return -1;
}

// The indirect family: only the commands in indirect_commands(), compared on the low 32
// bits (the kernel reads an int: a command with high bits set is the same command), and
// for a command with `only_arg` only that argument, so every other fcntl/ioctl/prctl
// stays in the kernel at native speed.
int add_indirect_rule(void* ctx, uint32_t action, const SyscallSpec& s) {
  int nr = seccomp_syscall_resolve_name(std::string(s.name).c_str());
  if (nr == __NR_SCMP_ERROR) return 0;
  const auto cmd_arg = static_cast<unsigned>(std::max(arg_index(s, Arg::command), 0));
  const auto by_cmd = static_cast<unsigned>(std::max(arg_index(s, Arg::by_command), 0));
  for (const IndirectCommand& c : indirect_commands()) {
    if (c.sys != s.id) continue;
    const scmp_arg_cmp cmp[] = {
        {cmd_arg, SCMP_CMP_MASKED_EQ, 0xffffffffULL, c.cmd},
        {by_cmd, SCMP_CMP_MASKED_EQ, 0xffffffffULL, c.only_arg.value_or(0)}};
    int rc = seccomp_rule_add_array(ctx, action, nr, c.only_arg ? 2 : 1, cmp);
    if (rc < 0) return rc;
  }
  return 0;
}

// One syscall: by command (indirect family); only when its Arg::pid_or_self names another
// process (or its Arg::pgid names a group); or always. The kernel reads that pid as an int: 0 is
// the caller itself and a negative one fails with ESRCH, so only 1..INT_MAX in the low 32 bits is
// routed (high bits are ignored, as the kernel ignores them). libseccomp refuses two comparisons of
// one argument in a rule, so the range is an OR of one rule per bit: "bit b set, bit 31 clear".
int add_syscall_rule(void* ctx, uint32_t action, const SyscallSpec& s) {
  if (s.family == Family::indirect) return add_indirect_rule(ctx, action, s);
  const int pid_arg = std::max(arg_index(s, Arg::pid_or_self), arg_index(s, Arg::pgid));
  if (pid_arg < 0) return add_rule(ctx, action, std::string(s.name).c_str());
  int nr = seccomp_syscall_resolve_name(std::string(s.name).c_str());
  if (nr == __NR_SCMP_ERROR) return 0;
  constexpr uint64_t kSign = 0x80000000ULL;
  for (unsigned bit = 0; bit < 31; ++bit) {
    const uint64_t b = uint64_t{1} << bit;
    scmp_arg_cmp cmp{static_cast<unsigned>(pid_arg), SCMP_CMP_MASKED_EQ, kSign | b, b};
    int rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmp);
    if (rc < 0) return rc;
  }
  return 0;
}

// Routed only for the given first arguments (compared on the low 32 bits, as the kernel
// reads a pid_t): one rule per value.
int add_guarded_rule(void* ctx, const SyscallSpec& s, const std::vector<uint32_t>& values) {
  int nr = seccomp_syscall_resolve_name(std::string(s.name).c_str());
  if (nr == __NR_SCMP_ERROR) return 0;
  for (uint32_t v : values) {
    const scmp_arg_cmp cmp{0, SCMP_CMP_MASKED_EQ, 0xffffffffULL, v};
    int rc = seccomp_rule_add_array(ctx, SCMP_ACT_NOTIFY, nr, 1, &cmp);
    if (rc < 0 && rc != -EEXIST) return rc;
  }
  return 0;
}

// Families whose arguments mean the same on a foreign ABI (i386): send and pgrp pass
// registers only, limit a struct rlimit64 (two u64 on every ABI), and the intercepted
// indirect commands registers or ints (struct f_owner_ex is two ints). The others pass pointers to
// ABI-specific layouts (sigset sizes, sigaction, stack_t, siginfo).
bool abi_neutral(Family f) {
  return f == Family::send || f == Family::limit || f == Family::indirect || f == Family::pgrp;
}

// i386 has fcntl64 beside fcntl, with the same commands: routed like fcntl (ArchMap maps
// it to Sys::fcntl). On x86_64 the name does not resolve and nothing is added.
[[maybe_unused]] int add_i386_aliases(void* ctx, const FilterSpec& want) {
  const auto i = static_cast<std::size_t>(Sys::fcntl);
  if (!want.trace.test(i) && !want.notify.test(i)) return 0;
  const uint32_t action = want.trace.test(i) ? SCMP_ACT_TRACE(0) : SCMP_ACT_NOTIFY;
  if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "fcntl64") == __NR_SCMP_ERROR) return 0;
  SyscallSpec alias = spec(Sys::fcntl);
  alias.name = "fcntl64";
  return add_indirect_rule(ctx, action, alias);
}

// One architecture's rules; `compat`: a foreign ABI, abi_neutral() families only.
Status add_rules(void* ctx, const FilterSpec& want, bool compat) {
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    if (compat && !abi_neutral(s.family)) continue;
    uint32_t action = 0;
    if (want.trace.test(i)) {
      action = SCMP_ACT_TRACE(0);
    } else if (want.notify.test(i)) {
      action = SCMP_ACT_NOTIFY;
    } else if (auto guarded = want.notify_if_arg0.find(s.id);
               guarded != want.notify_if_arg0.end()) {
      // A foreign ABI's calls are never recorded in the kernel: routed whatever they name.
      if (compat) {
        action = SCMP_ACT_NOTIFY;
      } else {
        int rc = add_guarded_rule(ctx, s, guarded->second);
        if (rc < 0) return lib_error(std::string(s.name).c_str(), rc);
        continue;
      }
    } else {
      continue;
    }
    int rc = add_syscall_rule(ctx, action, s);
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

// The i386 signal syscalls that are not routed (they pass pointers to compat layouts we
// do not decode) stop for sigvisor, which refuses them with ENOSYS and records the attempt,
// instead of letting them run unseen; x86_64 programs have no reason to make them. Besides
// our table's non-send syscalls, i386 has the legacy calls below. (x32 calls never get this
// far: the x86_64 filter's bad-architecture action sends them the same way.)
constexpr const char* kI386Legacy[] = {"signal",     "sigaction", "sigprocmask", "sigsuspend",
                                       "sigpending", "sgetmask",  "ssetmask"};

// What a call through a foreign ABI meets: a ptrace stop (the notify engine refuses and
// records it there), or a notification (the kernel engine, which has no ptrace).
[[maybe_unused]] uint32_t foreign_action(const FilterSpec& want) {
  return want.foreign_to_notify ? SCMP_ACT_NOTIFY : SCMP_ACT_TRACE(kForeignAbiTraceData);
}

[[maybe_unused]] Status refuse_unrouted_i386(void* ctx, const FilterSpec& want) {
  auto refuse_one = [&](const char* name) -> Status {
    if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name) == __NR_SCMP_ERROR) return Ok{};
    // add_rule passes libseccomp's native (or pseudo) number, translated per architecture.
    int rc = add_rule(ctx, foreign_action(want), name);
    if (rc < 0) return lib_error(name, rc);
    return Ok{};
  };
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const SyscallSpec& s = spec(static_cast<Sys>(i));
    // send, limit and indirect are routed; other is not a signal syscall.
    const bool signal_call = s.family == Family::mask || s.family == Family::action ||
                             s.family == Family::wait || s.family == Family::fd ||
                             s.family == Family::stack;
    if (!signal_call) continue;
    if (auto st = refuse_one(std::string(s.name).c_str()); !st) return st;
  }
  for (const char* name : kI386Legacy) {
    if (auto st = refuse_one(name); !st) return st;
  }
  return Ok{};
}

Result<Ctx> new_context(const FilterSpec& want) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return make_error("seccomp: seccomp_init failed");
  // Another ABI than the context's (x32 on x86_64: nr | 0x40000000): refused and recorded.
  // Untraced (never the case under sigvisor) SECCOMP_RET_TRACE fails the call with ENOSYS.
  int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, foreign_action(want));
  if (rc < 0) return lib_error("bad-arch action", rc);
  rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);  // the launcher sets it itself
  if (rc < 0) return lib_error("no_new_privs attribute", rc);
  return ctx;
}

}  // namespace

Result<BpfProgram> build_filter(const FilterSpec& want) {
  auto ctx = new_context(want);
  if (!ctx) return ctx.error();
  if (auto st = add_rules(ctx->get(), want, false); !st) return st.error();
#if defined(__x86_64__)
  // i386 `int 0x80` works from x86_64 processes: route that ABI's send, limit and indirect
  // families.
  auto ctx32 = new_context(want);
  if (!ctx32) return ctx32.error();
  int rc = seccomp_arch_add(ctx32->get(), SCMP_ARCH_X86);
  if (rc < 0) return lib_error("add i386 architecture", rc);
  rc = seccomp_arch_remove(ctx32->get(), SCMP_ARCH_NATIVE);
  if (rc < 0) return lib_error("remove native architecture", rc);
  if (auto st = add_rules(ctx32->get(), want, true); !st) return st.error();
  rc = add_i386_aliases(ctx32->get(), want);
  if (rc < 0) return lib_error("fcntl64", rc);
  if (auto st = refuse_unrouted_i386(ctx32->get(), want); !st) return st.error();
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
