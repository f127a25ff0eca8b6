// format_call_text / format_result_text against lines printed by real strace 6.1 for the
// same calls (tiny C programs run under `strace -qq -e signal=none`; addresses replaced by
// the fake ones the cases use). Each case builds a CallData by hand: registers plus the
// bytes a pointer argument pointed to.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "decode/decode.h"
#include "decode_call_builder.h"
#include "decode_text_cases.h"

namespace sigvisor {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): the builders

TEST(DecodeCallText, SendFamily) {
  siginfo_t q = info(SIGUSR1, SI_QUEUE);
  q.si_pid = 4242;
  q.si_value.sival_int = 42;
  check({
      {"kill", Call(Sys::kill, {999999, SIGTERM}).ret(-EPERM).d,
       "kill(999999, SIGTERM) = -1 EPERM (Operation not permitted)"},
      {"kill success", Call(Sys::kill, {3879, 0}).ret(0).d, "kill(3879, 0) = 0"},
      {"kill all", Call(Sys::kill, {static_cast<uint64_t>(-1), 0}).ret(-EPERM).d,
       "kill(-1, 0) = -1 EPERM (Operation not permitted)"},
      {"pid is an int", Call(Sys::kill, {0xffffffff, 9}).ret(-EPERM).d,
       "kill(-1, SIGKILL) = -1 EPERM (Operation not permitted)"},
      {"high bits ignored", Call(Sys::kill, {0x1ffffffff, 0x100000009}).ret(-EPERM).d,
       "kill(-1, SIGKILL) = -1 EPERM (Operation not permitted)"},
      {"sig -1", Call(Sys::kill, {999999, static_cast<uint64_t>(-1)}).ret(-EPERM).d,
       "kill(999999, -1) = -1 EPERM (Operation not permitted)"},
      {"sig INT_MIN", Call(Sys::kill, {999999, 0x80000000}).ret(-EPERM).d,
       "kill(999999, -2147483648) = -1 EPERM (Operation not permitted)"},
      {"SIGRTMIN", Call(Sys::kill, {999999, 32}).ret(-ESRCH).d,
       "kill(999999, SIGRTMIN) = -1 ESRCH (No such process)"},
      {"SIGRT_1", Call(Sys::kill, {999999, 33}).ret(-ESRCH).d,
       "kill(999999, SIGRT_1) = -1 ESRCH (No such process)"},
      {"SIGRT_2", Call(Sys::kill, {999999, 34}).ret(-ESRCH).d,
       "kill(999999, SIGRT_2) = -1 ESRCH (No such process)"},
      {"SIGRT_32", Call(Sys::kill, {999999, 64}).ret(-ESRCH).d,
       "kill(999999, SIGRT_32) = -1 ESRCH (No such process)"},
      {"SIGIO, not glibc's POLL", Call(Sys::kill, {999999, SIGIO}).ret(-ESRCH).d,
       "kill(999999, SIGIO) = -1 ESRCH (No such process)"},
      {"sig 65", Call(Sys::kill, {999999, 65}).ret(-ESRCH).d,
       "kill(999999, 65) = -1 ESRCH (No such process)"},
      {"sig 200", Call(Sys::kill, {static_cast<uint64_t>(-5), 200}).ret(-ESRCH).d,
       "kill(-5, 200) = -1 ESRCH (No such process)"},
      {"result unknown", Call(Sys::kill, {4243, SIGTERM}).d, "kill(4243, SIGTERM) = ?"},
      {"tkill", Call(Sys::tkill, {999999, SIGUSR1}).ret(-EPERM).d,
       "tkill(999999, SIGUSR1) = -1 EPERM (Operation not permitted)"},
      {"tgkill", Call(Sys::tgkill, {999999, 1000000, SIGUSR2}).ret(-EPERM).d,
       "tgkill(999999, 1000000, SIGUSR2) = -1 EPERM (Operation not permitted)"},
      {"tgkill negative",
       Call(Sys::tgkill, {static_cast<uint64_t>(-3), static_cast<uint64_t>(-4), 99}).ret(-EPERM).d,
       "tgkill(-3, -4, 99) = -1 EPERM (Operation not permitted)"},
      {"rt_sigqueueinfo", Call(Sys::rt_sigqueueinfo, {999999, SIGUSR1, kA}).mem(2, q).ret(-EPERM).d,
       "rt_sigqueueinfo(999999, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=4242, "
       "si_uid=0, si_int=42, si_ptr=0x2a}) = -1 EPERM (Operation not permitted)"},
      {"rt_sigqueueinfo NULL", Call(Sys::rt_sigqueueinfo, {999999, SIGUSR1, 0}).ret(-EPERM).d,
       "rt_sigqueueinfo(999999, SIGUSR1, NULL) = -1 EPERM (Operation not permitted)"},
      {"rt_sigqueueinfo unreadable",
       Call(Sys::rt_sigqueueinfo, {999999, SIGUSR1, 0x7fc7f77a2000}).unreadable(2).ret(-EPERM).d,
       "rt_sigqueueinfo(999999, SIGUSR1, 0x7fc7f77a2000) = -1 EPERM (Operation not permitted)"},
      {"rt_sigqueueinfo not captured", Call(Sys::rt_sigqueueinfo, {999999, SIGUSR1, kA}).d,
       "rt_sigqueueinfo(999999, SIGUSR1, 0x7ffdb6a5f500) = ?"},
      {"rt_tgsigqueueinfo",
       Call(Sys::rt_tgsigqueueinfo, {999999, 999999, SIGUSR1, kA}).mem(3, q).ret(-EPERM).d,
       "rt_tgsigqueueinfo(999999, 999999, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, "
       "si_pid=4242, si_uid=0, si_int=42, si_ptr=0x2a}) = -1 EPERM (Operation not permitted)"},
      {"pidfd_send_signal", Call(Sys::pidfd_send_signal, {3, SIGKILL, 0, 0}).ret(-EPERM).d,
       "pidfd_send_signal(3, SIGKILL, NULL, 0) = -1 EPERM (Operation not permitted)"},
      {"pidfd_send_signal info+flags",
       Call(Sys::pidfd_send_signal, {0xffffffff, SIGKILL, kA, 5}).mem(2, q).ret(-EPERM).d,
       "pidfd_send_signal(-1, SIGKILL, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=4242, "
       "si_uid=0, si_int=42, si_ptr=0x2a}, 0x5) = -1 EPERM (Operation not permitted)"},
      {"pidfd_send_signal wide",
       Call(Sys::pidfd_send_signal, {0x100000003, SIGKILL, 0, 0xffffffffff}).ret(-EPERM).d,
       "pidfd_send_signal(3, SIGKILL, NULL, 0xffffffff) = -1 EPERM (Operation not permitted)"},
      {"pidfd_send_signal sig 0", Call(Sys::pidfd_send_signal, {3, 0, 0, 0}).ret(-EPERM).d,
       "pidfd_send_signal(3, 0, NULL, 0) = -1 EPERM (Operation not permitted)"},
      {"pidfd_open", Call(Sys::pidfd_open, {4781, 0}).ret(3).d, "pidfd_open(4781, 0) = 3"},
      {"pidfd_open nonblock", Call(Sys::pidfd_open, {999999, 0x800}).ret(-ESRCH).d,
       "pidfd_open(999999, PIDFD_NONBLOCK) = -1 ESRCH (No such process)"},
      {"pidfd_open mixed", Call(Sys::pidfd_open, {999999, 0x801}).ret(-EINVAL).d,
       "pidfd_open(999999, PIDFD_NONBLOCK|0x1) = -1 EINVAL (Invalid argument)"},
      {"pidfd_open unknown", Call(Sys::pidfd_open, {999999, 1}).ret(-EINVAL).d,
       "pidfd_open(999999, 0x1 /* PIDFD_??? */) = -1 EINVAL (Invalid argument)"},
      {"pidfd_open high bits", Call(Sys::pidfd_open, {0xffffffff, 0x100000000}).ret(-EINVAL).d,
       "pidfd_open(-1, 0) = -1 EINVAL (Invalid argument)"},
  });
}

TEST(DecodeCallText, Sigprocmask) {
  const uint64_t empty = 0, int_term = set_of({SIGINT, SIGTERM}), full = ~uint64_t{0};
  const uint64_t no_kill_stop = full & ~set_of({SIGKILL, SIGSTOP});
  check({
      {"empty",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 8}).mem(1, empty).mem(2, empty).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, [], [], 8) = 0"},
      {"two",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 8}).mem(1, int_term).mem(2, empty).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, [INT TERM], [], 8) = 0"},
      {"full",
       Call(Sys::rt_sigprocmask, {SIG_SETMASK, kA, kB, 8}).mem(1, full).mem(2, int_term).ret(0).d,
       "rt_sigprocmask(SIG_SETMASK, ~[], [INT TERM], 8) = 0"},
      {"all but two",
       Call(Sys::rt_sigprocmask, {SIG_SETMASK, kA, 0, 8}).mem(1, no_kill_stop).ret(0).d,
       "rt_sigprocmask(SIG_SETMASK, ~[KILL STOP], NULL, 8) = 0"},
      {"RT only",
       Call(Sys::rt_sigprocmask, {SIG_UNBLOCK, kA, 0, 8})
           .mem(1, uint64_t{0xffffffff00000000})
           .ret(0)
           .d,
       "rt_sigprocmask(SIG_UNBLOCK, [RT_1 RT_2 RT_3 RT_4 RT_5 RT_6 RT_7 RT_8 RT_9 RT_10 RT_11 "
       "RT_12 "
       "RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 "
       "RT_28 RT_29 RT_30 RT_31 RT_32], NULL, 8) = 0"},
      {"RT_1 RT_2",
       Call(Sys::rt_sigprocmask, {SIG_UNBLOCK, kA, 0, 8}).mem(1, uint64_t{0x300000000}).ret(0).d,
       "rt_sigprocmask(SIG_UNBLOCK, [RT_1 RT_2], NULL, 8) = 0"},
      {"RT_1 RT_32",
       Call(Sys::rt_sigprocmask, {SIG_UNBLOCK, kA, 0, 8})
           .mem(1, uint64_t{0x8000000100000000})
           .ret(0)
           .d,
       "rt_sigprocmask(SIG_UNBLOCK, [RT_1 RT_32], NULL, 8) = 0"},
      {"42 of 64 set: complemented",
       Call(Sys::rt_sigprocmask, {SIG_UNBLOCK, kA, 0, 8}).mem(1, (uint64_t{1} << 42) - 1).ret(0).d,
       "rt_sigprocmask(SIG_UNBLOCK, ~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 "
       "RT_21 RT_22 RT_23 RT_24 RT_25 RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32], NULL, 8) = 0"},
      {"33 of 64 set: listed",
       Call(Sys::rt_sigprocmask, {SIG_UNBLOCK, kA, 0, 8}).mem(1, (uint64_t{1} << 33) - 1).ret(0).d,
       "rt_sigprocmask(SIG_UNBLOCK, [HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE "
       "ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS "
       "RTMIN RT_1], NULL, 8) = 0"},
      {"bad how", Call(Sys::rt_sigprocmask, {7, kA, kB, 8}).mem(1, empty).ret(-EINVAL).d,
       "rt_sigprocmask(0x7 /* SIG_??? */, [], 0x7ffdb6a5f4f8, 8) = -1 EINVAL (Invalid argument)"},
      {"how -1", Call(Sys::rt_sigprocmask, {~uint64_t{0}, kA, kB, 8}).mem(1, empty).ret(-EINVAL).d,
       "rt_sigprocmask(0xffffffff /* SIG_??? */, [], 0x7ffdb6a5f4f8, 8) = -1 EINVAL (Invalid "
       "argument)"},
      {"how high bits",
       Call(Sys::rt_sigprocmask, {0x100000000, kA, kB, 8}).mem(1, empty).mem(2, empty).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, [], [], 8) = 0"},
      {"size 16", Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 16}).mem(1, empty).ret(-EINVAL).d,
       "rt_sigprocmask(SIG_BLOCK, 0x7ffdb6a5f500, 0x7ffdb6a5f4f8, 16) = -1 EINVAL (Invalid "
       "argument)"},
      {"size 4",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 4}).mem(1, uint32_t{0}).ret(-EINVAL).d,
       "rt_sigprocmask(SIG_BLOCK, 0x7ffdb6a5f500, 0x7ffdb6a5f4f8, 4) = -1 EINVAL (Invalid "
       "argument)"},
      {"size -1", Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, ~uint64_t{0}}).ret(-EINVAL).d,
       "rt_sigprocmask(SIG_BLOCK, 0x7ffdb6a5f500, 0x7ffdb6a5f4f8, 18446744073709551615) = -1 "
       "EINVAL (Invalid argument)"},
      {"NULLs", Call(Sys::rt_sigprocmask, {SIG_BLOCK, 0, 0, 8}).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, NULL, NULL, 8) = 0"},
      {"unreadable both",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kBad, kBad, 8}).unreadable(1).ret(-EFAULT).d,
       "rt_sigprocmask(SIG_BLOCK, 0x7f21dda89000, 0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"unreadable old", Call(Sys::rt_sigprocmask, {SIG_BLOCK, 0, kBad, 8}).ret(-EFAULT).d,
       "rt_sigprocmask(SIG_BLOCK, NULL, 0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"old fault",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kBad, 8}).mem(1, set_of({SIGHUP})).ret(-EFAULT).d,
       "rt_sigprocmask(SIG_BLOCK, [HUP], 0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"pointer 0x1", Call(Sys::rt_sigprocmask, {SIG_BLOCK, 1, 0, 8}).unreadable(1).ret(-EFAULT).d,
       "rt_sigprocmask(SIG_BLOCK, 0x1, NULL, 8) = -1 EFAULT (Bad address)"},
      {"old only",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, 0, kB, 8}).mem(2, set_of({SIGHUP})).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, NULL, [HUP], 8) = 0"},
      {"old unknown result", Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 8}).mem(1, int_term).d,
       "rt_sigprocmask(SIG_BLOCK, [INT TERM], 0x7ffdb6a5f4f8, 8) = ?"},
      {"old success but not captured",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 8}).mem(1, int_term).ret(0).d,
       "rt_sigprocmask(SIG_BLOCK, [INT TERM], 0x7ffdb6a5f4f8, 8) = 0"},
  });
}

TEST(DecodeCallText, Sigpending) {
  const uint64_t empty = 0;
  check({
      {"8", Call(Sys::rt_sigpending, {kB, 8}).mem(0, empty).ret(0).d, "rt_sigpending([], 8) = 0"},
      {"4", Call(Sys::rt_sigpending, {kB, 4}).mem(0, empty, 4).ret(0).d,
       "rt_sigpending([], 4) = 0"},
      {"1", Call(Sys::rt_sigpending, {kB, 1}).mem(0, empty, 1).ret(0).d,
       "rt_sigpending([], 1) = 0"},
      {"pending, 3 bytes",
       Call(Sys::rt_sigpending, {kB, 3}).mem(0, set_of({SIGUSR1, SIGTERM}), 3).ret(0).d,
       "rt_sigpending([USR1 TERM], 3) = 0"},
      {"pending, 1 byte",
       Call(Sys::rt_sigpending, {kB, 1}).mem(0, set_of({SIGUSR1, SIGTERM}), 1).ret(0).d,
       "rt_sigpending([], 1) = 0"},
      {"9", Call(Sys::rt_sigpending, {kB, 9}).ret(-EINVAL).d,
       "rt_sigpending(0x7ffdb6a5f4f8, 9) = -1 EINVAL (Invalid argument)"},
      {"0 success", Call(Sys::rt_sigpending, {kB, 0}).ret(0).d,
       "rt_sigpending(0x7ffdb6a5f4f8, 0) = 0"},
      {"fault", Call(Sys::rt_sigpending, {kBad, 8}).ret(-EFAULT).d,
       "rt_sigpending(0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"NULL", Call(Sys::rt_sigpending, {0, 8}).ret(-EFAULT).d,
       "rt_sigpending(NULL, 8) = -1 EFAULT (Bad address)"},
      {"unreadable after success", Call(Sys::rt_sigpending, {kB, 8}).unreadable(0).ret(0).d,
       "rt_sigpending(0x7ffdb6a5f4f8, 8) = 0"},
  });
}

}  // namespace
}  // namespace sigvisor
