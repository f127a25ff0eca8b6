// The seccomp program build_filter() produces, run on seccomp_data records by a small
// classic-BPF interpreter (the subset libseccomp emits; any other opcode fails the test).
// The integration tests run the filter in the kernel; this table also covers what this
// kernel cannot show: i386 `int 0x80` calls fault on it (no IA32 emulation), so the
// routing and killing of that ABI's signal syscalls is checked here, on the program.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bpf_interpreter.h"
#include "case_name.h"
#include "kernel/seccomp_filter.h"
#include "kernel/syscall_arch.h"

namespace sigvisor {
namespace {

#if defined(__x86_64__)

using test::run_bpf;

constexpr uint32_t kNotify = SECCOMP_RET_USER_NOTIF;
constexpr uint32_t kTrace = SECCOMP_RET_TRACE;
constexpr uint32_t kAllow = SECCOMP_RET_ALLOW;
// Refused by sigvisor at the seccomp stop, and recorded (foreign_calls.h).
constexpr uint32_t kForeign = SECCOMP_RET_TRACE | kForeignAbiTraceData;
constexpr uint32_t errno_of(int e) {
  return SECCOMP_RET_ERRNO | static_cast<uint32_t>(e);
}

// i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl), not in the x86_64 headers.
constexpr int kI386Kill = 37;
constexpr int kI386Getppid = 64;
constexpr int kI386Sigaction = 67;
constexpr int kI386RtSigaction = 174;
constexpr int kI386RtSigprocmask = 175;
constexpr int kI386Tgkill = 270;
constexpr int kI386Fcntl = 55;
constexpr int kI386Fcntl64 = 221;
constexpr int kI386Ioctl = 54;
constexpr int kI386Prctl = 172;
constexpr int kI386Prlimit64 = 340;
constexpr int kI386Setpgid = 57;
constexpr int kX32Bit = 0x40000000;

struct FilterCase {
  const char* what;
  uint32_t arch;
  int nr;
  std::vector<uint64_t> args;
  bool results;  // --results: everything traced instead of notified
  uint32_t want;
};

const FilterCase kCases[] = {
    {"x86_64_kill_notified", AUDIT_ARCH_X86_64, SYS_kill, {1, 9}, false, kNotify},
    {"x86_64_tgkill_notified", AUDIT_ARCH_X86_64, SYS_tgkill, {1, 1, 15}, false, kNotify},
    {"x86_64_sigprocmask_notified",
     AUDIT_ARCH_X86_64,
     SYS_rt_sigprocmask,
     {0, 0, 0, 8},
     false,
     kNotify},
    {"x86_64_sigaltstack_notified", AUDIT_ARCH_X86_64, SYS_sigaltstack, {0, 0}, false, kNotify},
    {"x86_64_rt_sigreturn_not_routed", AUDIT_ARCH_X86_64, SYS_rt_sigreturn, {}, false, kAllow},
    {"x86_64_getppid_native_speed", AUDIT_ARCH_X86_64, SYS_getppid, {}, false, kAllow},
    {"x86_64_kill_traced_with_results", AUDIT_ARCH_X86_64, SYS_kill, {1, 9}, true, kTrace},
    {"x86_64_fcntl_setown_notified",
     AUDIT_ARCH_X86_64,
     SYS_fcntl,
     {3, F_SETOWN, 1},
     false,
     kNotify},
    {"x86_64_fcntl_getfl_native_speed", AUDIT_ARCH_X86_64, SYS_fcntl, {3, F_GETFL}, false, kAllow},
    {"x86_64_prlimit64_other_process_notified",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {4242, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kNotify},
    {"x86_64_prlimit64_pid_0_native_speed",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0, RLIMIT_STACK, 0, 0x7ffd0000},
     false,
     kAllow},
    // The kernel reads an int: high bits do not make another process.
    {"x86_64_prlimit64_high_bits_ignored_pid_0",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0x100000000, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kAllow},
    {"x86_64_prlimit64_high_bits_ignored_pid_5",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0xffffffff00000005, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kNotify},
    {"x86_64_prlimit64_pid_1_notified",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {1, 0, 0, 0},
     false,
     kNotify},
    {"x86_64_prlimit64_pid_2_pow_30_notified",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0x40000000, 0, 0, 0},
     false,
     kNotify},
    // A negative pid fails with ESRCH in the kernel: nothing to police.
    {"x86_64_prlimit64_negative_pid_native_speed",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0xfffffffffffffffb, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kAllow},
    {"x86_64_prlimit64_negative_int_high_bits_clear",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0x80000001, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kAllow},
    {"x86_64_prlimit64_largest_pid_notified",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0x7fffffff, RLIMIT_CPU, 0x7ffd0000, 0},
     false,
     kNotify},
    {"x86_64_prlimit64_traced_with_results",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {4242, RLIMIT_CPU, 0, 0x7ffd0000},
     true,
     kTrace},
    {"x86_64_prlimit64_pid_0_untraced_with_results",
     AUDIT_ARCH_X86_64,
     SYS_prlimit64,
     {0, RLIMIT_CPU, 0, 0x7ffd0000},
     true,
     kAllow},
    {"x86_64_ioctl_tiocsti_notified",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSTI, 0x7ffd0000},
     false,
     kNotify},
    {"x86_64_ioctl_tiocspgrp_notified",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSPGRP, 0x7ffd0000},
     false,
     kNotify},
    {"x86_64_ioctl_tiocsetd_notified",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSETD, 0x7ffd0000},
     false,
     kNotify},
    {"x86_64_ioctl_tiocgpgrp_native_speed",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCGPGRP, 0x7ffd0000},
     false,
     kAllow},
    // TIOCSCTTY steals a terminal only with 1 (read as an int); 0 takes an unowned one.
    {"x86_64_ioctl_tiocsctty_force_notified",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSCTTY, 1},
     false,
     kNotify},
    {"x86_64_ioctl_tiocsctty_force_high_bits_notified",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, 0x100000000 | TIOCSCTTY, 0xffffffff00000001},
     false,
     kNotify},
    {"x86_64_ioctl_tiocsctty_0_native_speed",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSCTTY, 0},
     false,
     kAllow},
    {"x86_64_ioctl_tiocsctty_2_native_speed",
     AUDIT_ARCH_X86_64,
     SYS_ioctl,
     {0, TIOCSCTTY, 2},
     false,
     kAllow},
    {"x86_64_clone_untraced_refused",
     AUDIT_ARCH_X86_64,
     SYS_clone,
     {CLONE_UNTRACED | SIGCHLD},
     false,
     errno_of(EPERM)},
    {"x86_64_setpgid_group_routed", AUDIT_ARCH_X86_64, SYS_setpgid, {0, 4242}, false, kNotify},
    {"x86_64_setpgid_child_group_routed",
     AUDIT_ARCH_X86_64,
     SYS_setpgid,
     {4242, 4242},
     false,
     kNotify},
    {"x86_64_setpgid_pgid_0_allowed", AUDIT_ARCH_X86_64, SYS_setpgid, {4242, 0}, false, kAllow},
    {"x86_64_setpgid_negative_allowed",
     AUDIT_ARCH_X86_64,
     SYS_setpgid,
     {0, 0xfffffffb},
     false,
     kAllow},
    {"x86_64_setpgid_high_bits_only_allowed",
     AUDIT_ARCH_X86_64,
     SYS_setpgid,
     {0, 0x100000000ULL},
     false,
     kAllow},
    {"x86_64_setpgid_traced_with_results", AUDIT_ARCH_X86_64, SYS_setpgid, {0, 7}, true, kTrace},
    {"x86_64_plain_clone_allowed", AUDIT_ARCH_X86_64, SYS_clone, {SIGCHLD}, false, kAllow},
    {"x86_64_clone3_falls_back", AUDIT_ARCH_X86_64, SYS_clone3, {0, 88}, false, errno_of(ENOSYS)},
    {"x32_kill_refused", AUDIT_ARCH_X86_64, kX32Bit | 62, {1, 9}, false, kForeign},
    {"x32_getppid_refused", AUDIT_ARCH_X86_64, kX32Bit | 110, {}, false, kForeign},
    {"i386_kill_routed", AUDIT_ARCH_I386, kI386Kill, {1, 9}, false, kNotify},
    {"i386_tgkill_routed", AUDIT_ARCH_I386, kI386Tgkill, {1, 1, 15}, false, kNotify},
    {"i386_prlimit64_routed",
     AUDIT_ARCH_I386,
     kI386Prlimit64,
     {4242, 0, 0xffd0, 0},
     false,
     kNotify},
    {"i386_prlimit64_pid_0_allowed",
     AUDIT_ARCH_I386,
     kI386Prlimit64,
     {0, 3, 0, 0xffd0},
     false,
     kAllow},
    {"i386_prlimit64_negative_allowed",
     AUDIT_ARCH_I386,
     kI386Prlimit64,
     {0xfffffffb, 3, 0, 0xffd0},
     false,
     kAllow},
    {"i386_rt_sigaction_refused",
     AUDIT_ARCH_I386,
     kI386RtSigaction,
     {10, 0, 0, 8},
     false,
     kForeign},
    {"i386_rt_sigprocmask_refused",
     AUDIT_ARCH_I386,
     kI386RtSigprocmask,
     {0, 0, 0, 8},
     false,
     kForeign},
    {"i386_legacy_sigaction_refused", AUDIT_ARCH_I386, kI386Sigaction, {10, 0, 0}, false, kForeign},
    {"i386_getppid_allowed", AUDIT_ARCH_I386, kI386Getppid, {}, false, kAllow},
    // setpgid: routed when it names a group (pgid > 0, low 32 bits), as on x86_64.
    {"i386_setpgid_group_routed", AUDIT_ARCH_I386, kI386Setpgid, {0, 4242}, false, kNotify},
    {"i386_setpgid_own_allowed", AUDIT_ARCH_I386, kI386Setpgid, {0, 0}, false, kAllow},
    // The indirect routes through int 0x80, as on x86_64 (issue 13, point 6).
    {"i386_fcntl_setown_routed", AUDIT_ARCH_I386, kI386Fcntl, {3, F_SETOWN, 1}, false, kNotify},
    {"i386_fcntl64_setown_routed", AUDIT_ARCH_I386, kI386Fcntl64, {3, F_SETOWN, 1}, false, kNotify},
    {"i386_fcntl64_setown_ex_routed",
     AUDIT_ARCH_I386,
     kI386Fcntl64,
     {3, F_SETOWN_EX, 0xffd0},
     false,
     kNotify},
    {"i386_fcntl_setsig_routed", AUDIT_ARCH_I386, kI386Fcntl, {3, F_SETSIG, 10}, false, kNotify},
    {"i386_fcntl_getfl_allowed", AUDIT_ARCH_I386, kI386Fcntl, {3, F_GETFL}, false, kAllow},
    {"i386_fcntl64_getfl_allowed", AUDIT_ARCH_I386, kI386Fcntl64, {3, F_GETFL}, false, kAllow},
    {"i386_ioctl_tiocsig_routed", AUDIT_ARCH_I386, kI386Ioctl, {3, TIOCSIG, 2}, false, kNotify},
    {"i386_ioctl_fiosetown_routed",
     AUDIT_ARCH_I386,
     kI386Ioctl,
     {3, FIOSETOWN, 0xffd0},
     false,
     kNotify},
    {"i386_ioctl_fionread_allowed",
     AUDIT_ARCH_I386,
     kI386Ioctl,
     {3, FIONREAD, 0xffd0},
     false,
     kAllow},
    {"i386_prctl_pdeathsig_routed",
     AUDIT_ARCH_I386,
     kI386Prctl,
     {PR_SET_PDEATHSIG, 15},
     false,
     kNotify},
    {"i386_prctl_get_name_allowed",
     AUDIT_ARCH_I386,
     kI386Prctl,
     {PR_GET_NAME, 0xffd0},
     false,
     kAllow},
    {"aarch64_anything_refused", AUDIT_ARCH_AARCH64, 129, {1, 9}, false, kForeign},
};

// ctest lists the case by name, not as a byte dump.
void PrintTo(const FilterCase& c, std::ostream* os) {
  *os << c.what;
}

class SeccompFilterTest : public testing::TestWithParam<FilterCase> {};

TEST_P(SeccompFilterTest, ProgramReturnsTheAction) {
  const FilterCase& c = GetParam();
  FilterSpec spec;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (static_cast<Sys>(i) == Sys::rt_sigreturn && !c.results) continue;  // as supervisor.cc
    (c.results ? spec.trace : spec.notify).set(i);
  }
  auto prog = build_filter(spec);
  ASSERT_TRUE(prog.ok()) << prog.error().message;
  seccomp_data data{};
  data.nr = c.nr;
  data.arch = c.arch;
  for (std::size_t i = 0; i < c.args.size(); ++i) data.args[i] = c.args[i];
  auto got = run_bpf(*prog, data);
  ASSERT_TRUE(got.has_value());
  // SECCOMP_RET_TRACE carries data in its low bits; the action is what matters.
  const uint32_t action = *got & SECCOMP_RET_ACTION_FULL;
  const uint32_t want_action = c.want & SECCOMP_RET_ACTION_FULL;
  EXPECT_EQ(action, want_action) << std::hex << "got 0x" << *got << ", want 0x" << c.want;
  if (want_action == SECCOMP_RET_ERRNO) EXPECT_EQ(*got, c.want);
}

INSTANTIATE_TEST_SUITE_P(Table, SeccompFilterTest, testing::ValuesIn(kCases), test::CaseName());

// The notify loop maps what the filter routes: i386 fcntl64 is fcntl, and prlimit64 and
// the indirect syscalls have their i386 numbers.
TEST(ArchMapI386, MapsTheRoutedSyscalls) {
  const ArchMap m;
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Fcntl), Sys::fcntl);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Fcntl64), Sys::fcntl);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Ioctl), Sys::ioctl);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Prctl), Sys::prctl);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Prlimit64), Sys::prlimit64);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Kill), Sys::kill);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_X86_64, SYS_prlimit64), Sys::prlimit64);
  EXPECT_EQ(m.lookup(AUDIT_ARCH_I386, kI386Getppid), std::nullopt);
}

// A filter that leaves calls in the kernel (filter_plan.h: a denials-only policy routes
// only target-carrying calls): native ones run unseen, foreign-ABI ones still never do
// (traced: refused and recorded at their seccomp stop, foreign_calls.h).
TEST(PartialFilter, UnroutedNativeCallsRunInTheKernel) {
  FilterSpec spec;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    if (has_target(sigvisor::spec(static_cast<Sys>(i)).family)) spec.notify.set(i);
  }
  auto prog = build_filter(spec);
  ASSERT_TRUE(prog.ok()) << prog.error().message;
  auto action_of = [&](uint32_t arch, int nr, uint64_t arg0 = 0) {
    seccomp_data data{};
    data.nr = nr;
    data.arch = arch;
    data.args[0] = arg0;
    return run_bpf(*prog, data).value_or(0xdead) & SECCOMP_RET_ACTION_FULL;
  };
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_rt_sigaction), kAllow);
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_rt_sigprocmask), kAllow);
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_rt_sigtimedwait), kAllow);
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_sigaltstack), kAllow);
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_kill), kNotify);
  EXPECT_EQ(action_of(AUDIT_ARCH_X86_64, SYS_prlimit64, 1), kNotify);
  EXPECT_EQ(action_of(AUDIT_ARCH_I386, kI386Kill), kNotify);
  EXPECT_EQ(action_of(AUDIT_ARCH_I386, kI386RtSigaction), kTrace);
  EXPECT_EQ(action_of(AUDIT_ARCH_I386, kI386RtSigprocmask), kTrace);
}

#endif  // __x86_64__

}  // namespace
}  // namespace sigvisor
