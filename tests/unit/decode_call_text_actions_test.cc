// format_call_text / format_result_text, continued from decode_call_text_test.cc (which
// says where the expected lines come from): rt_sigaction, sigaltstack, signalfd, the wait
// family and error results.
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

TEST(DecodeCallText, Sigaction) {
  const KSigaction dfl{0, 0, 0, 0};
  const KSigaction ign{1, 0, 0, 0};
  const KSigaction restart{0, 0x04000000 | SA_RESTART, 0x401000, set_of({SIGINT})};
  const uint64_t all_known = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESETHAND | SA_NOCLDSTOP |
                             SA_NOCLDWAIT | 0x04000000 | SA_RESTART;
  const KSigaction every{0x401234, all_known, 0x401000, ~uint64_t{0}};
  const KSigaction every_old{0x401234, all_known, 0x401000,
                             ~uint64_t{0} & ~set_of({SIGKILL, SIGSTOP})};
  check({
      {"ignore", Call(Sys::rt_sigaction, {SIGUSR1, kA, kB, 8}).mem(1, ign).mem(2, dfl).ret(0).d,
       "rt_sigaction(SIGUSR1, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, {sa_handler=SIG_DFL, "
       "sa_mask=[], sa_flags=0}, 8) = 0"},
      {"restorer",
       Call(Sys::rt_sigaction, {SIGUSR1, kA, kB, 8}).mem(1, restart).mem(2, ign).ret(0).d,
       "rt_sigaction(SIGUSR1, {sa_handler=SIG_DFL, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, "
       "sa_restorer=0x401000}, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, 8) = 0"},
      {"every flag",
       Call(Sys::rt_sigaction, {SIGUSR1, kA, kB, 8}).mem(1, every).mem(2, restart).ret(0).d,
       "rt_sigaction(SIGUSR1, {sa_handler=0x401234, sa_mask=~[], "
       "sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|"
       "SA_NOCLDWAIT, sa_restorer=0x401000}, {sa_handler=SIG_DFL, sa_mask=[INT], "
       "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x401000}, 8) = 0"},
      {"query", Call(Sys::rt_sigaction, {SIGUSR1, 0, kB, 8}).mem(2, every_old).ret(0).d,
       "rt_sigaction(SIGUSR1, NULL, {sa_handler=0x401234, sa_mask=~[KILL STOP], "
       "sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|"
       "SA_NOCLDWAIT, sa_restorer=0x401000}, 8) = 0"},
      {"SIG_ERR and unknown bit",
       Call(Sys::rt_sigaction, {SIGUSR2, kA, 0, 8})
           .mem(1, KSigaction{~uint64_t{0}, 0x1000000, 0x401000, ~uint64_t{0}})
           .ret(0)
           .d,
       "rt_sigaction(SIGUSR2, {sa_handler=SIG_ERR, sa_mask=~[], sa_flags=0x1000000 /* SA_??? */}, "
       "NULL, 8) = 0"},
      {"known and unknown bits",
       Call(Sys::rt_sigaction, {SIGUSR2, kA, 0, 8})
           .mem(1, KSigaction{2, 0x10000e00, 0, ~uint64_t{0}})
           .ret(0)
           .d,
       "rt_sigaction(SIGUSR2, {sa_handler=0x2, sa_mask=~[], sa_flags=SA_RESTART|0xe00}, NULL, 8) = "
       "0"},
      {"two unknown bits",
       Call(Sys::rt_sigaction, {SIGUSR2, kA, 0, 8})
           .mem(1, KSigaction{2, 0x120, 0, ~uint64_t{0}})
           .ret(0)
           .d,
       "rt_sigaction(SIGUSR2, {sa_handler=0x2, sa_mask=~[], sa_flags=0x120 /* SA_??? */}, NULL, 8) "
       "= 0"},
      {"64-bit flags",
       Call(Sys::rt_sigaction, {SIGUSR2, kA, 0, 8})
           .mem(1, KSigaction{2, 0xffffffff04000000, 0x401000, ~uint64_t{0}})
           .ret(0)
           .d,
       "rt_sigaction(SIGUSR2, {sa_handler=0x2, sa_mask=~[], "
       "sa_flags=SA_RESTORER|0xffffffff00000000, sa_restorer=0x401000}, NULL, 8) = 0"},
      {"resethand",
       Call(Sys::rt_sigaction, {SIGUSR2, kA, 0, 8})
           .mem(1, KSigaction{2, 0x80000000, 0, ~uint64_t{0}})
           .ret(0)
           .d,
       "rt_sigaction(SIGUSR2, {sa_handler=0x2, sa_mask=~[], sa_flags=SA_RESETHAND}, NULL, 8) = 0"},
      {"SIGKILL fails: oact as address",
       Call(Sys::rt_sigaction, {SIGKILL, kA, kB, 8})
           .mem(1, KSigaction{2, 0x40, 0, ~uint64_t{0}})
           .ret(-EINVAL)
           .d,
       "rt_sigaction(SIGKILL, {sa_handler=0x2, sa_mask=~[], sa_flags=0x40 /* SA_??? */}, "
       "0x7ffdb6a5f4f8, 8) = -1 EINVAL (Invalid argument)"},
      {"size 16 still decodes act",
       Call(Sys::rt_sigaction, {SIGUSR1, kA, kB, 16})
           .mem(1, KSigaction{2, 0x40, 0, ~uint64_t{0}})
           .ret(-EINVAL)
           .d,
       "rt_sigaction(SIGUSR1, {sa_handler=0x2, sa_mask=~[], sa_flags=0x40 /* SA_??? */}, "
       "0x7ffdb6a5f4f8, 16) = -1 EINVAL (Invalid argument)"},
      {"act unreadable",
       Call(Sys::rt_sigaction, {SIGUSR1, kBad, kB, 8}).unreadable(1).ret(-EFAULT).d,
       "rt_sigaction(SIGUSR1, 0x7f21dda89000, 0x7ffdb6a5f4f8, 8) = -1 EFAULT (Bad address)"},
      {"oact fault", Call(Sys::rt_sigaction, {SIGUSR1, 0, kBad, 8}).ret(-EFAULT).d,
       "rt_sigaction(SIGUSR1, NULL, 0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"sig 0", Call(Sys::rt_sigaction, {0, 0, 0, 8}).ret(-EINVAL).d,
       "rt_sigaction(0, NULL, NULL, 8) = -1 EINVAL (Invalid argument)"},
      {"sig 65", Call(Sys::rt_sigaction, {65, 0, 0, 8}).ret(-EINVAL).d,
       "rt_sigaction(65, NULL, NULL, 8) = -1 EINVAL (Invalid argument)"},
      {"RT", Call(Sys::rt_sigaction, {40, 0, kB, 8}).mem(2, dfl).ret(0).d,
       "rt_sigaction(SIGRT_8, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0"},
  });
}

TEST(DecodeCallText, Sigaltstack) {
  const uint64_t sp = 0x55614def6060;
  check({
      {"query", Call(Sys::sigaltstack, {0, kB}).mem(1, KStack{0, SS_DISABLE, 0, 0}).ret(0).d,
       "sigaltstack(NULL, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0"},
      {"set",
       Call(Sys::sigaltstack, {kA, kB})
           .mem(0, KStack{sp, 0, 0, 65536})
           .mem(1, KStack{0, SS_DISABLE, 0, 0})
           .ret(0)
           .d,
       "sigaltstack({ss_sp=0x55614def6060, ss_flags=0, ss_size=65536}, {ss_sp=NULL, "
       "ss_flags=SS_DISABLE, ss_size=0}) = 0"},
      {"disable",
       Call(Sys::sigaltstack, {kA, kB})
           .mem(0, KStack{sp, SS_DISABLE, 0, 65536})
           .mem(1, KStack{sp, 0, 0, 65536})
           .ret(0)
           .d,
       "sigaltstack({ss_sp=0x55614def6060, ss_flags=SS_DISABLE, ss_size=65536}, "
       "{ss_sp=0x55614def6060, ss_flags=0, ss_size=65536}) = 0"},
      {"onstack",
       Call(Sys::sigaltstack, {kA, 0}).mem(0, KStack{0, SS_ONSTACK, 0, 0}).ret(-ENOMEM).d,
       "sigaltstack({ss_sp=NULL, ss_flags=SS_ONSTACK, ss_size=0}, NULL) = -1 ENOMEM (Cannot "
       "allocate memory)"},
      {"autodisarm",
       Call(Sys::sigaltstack, {kA, 0})
           .mem(0, KStack{0, static_cast<int32_t>(0x80000000), 0, 100})
           .ret(-ENOMEM)
           .d,
       "sigaltstack({ss_sp=NULL, ss_flags=SS_AUTODISARM, ss_size=100}, NULL) = -1 ENOMEM (Cannot "
       "allocate memory)"},
      {"unknown", Call(Sys::sigaltstack, {kA, 0}).mem(0, KStack{0, 0x10, 0, 100}).ret(-EINVAL).d,
       "sigaltstack({ss_sp=NULL, ss_flags=0x10 /* SS_??? */, ss_size=100}, NULL) = -1 EINVAL "
       "(Invalid argument)"},
      {"mixed", Call(Sys::sigaltstack, {kA, 0}).mem(0, KStack{0, 0x12, 0, 100}).ret(-EINVAL).d,
       "sigaltstack({ss_sp=NULL, ss_flags=SS_DISABLE|0x10, ss_size=100}, NULL) = -1 EINVAL "
       "(Invalid argument)"},
      {"two known",
       Call(Sys::sigaltstack, {kA, 0})
           .mem(0, KStack{0, static_cast<int32_t>(0x80000001), 0, 100})
           .ret(-ENOMEM)
           .d,
       "sigaltstack({ss_sp=NULL, ss_flags=SS_ONSTACK|SS_AUTODISARM, ss_size=100}, NULL) = -1 "
       "ENOMEM (Cannot allocate memory)"},
      {"all bits, padding ignored",
       Call(Sys::sigaltstack, {kA, 0}).mem(0, KStack{0, -1, 7, 100}).ret(-EINVAL).d,
       "sigaltstack({ss_sp=NULL, ss_flags=SS_ONSTACK|SS_DISABLE|SS_AUTODISARM|0x7ffffffc, "
       "ss_size=100}, NULL) = -1 EINVAL (Invalid argument)"},
      {"faults", Call(Sys::sigaltstack, {kBad, kBad}).unreadable(0).ret(-EFAULT).d,
       "sigaltstack(0x7f21dda89000, 0x7f21dda89000) = -1 EFAULT (Bad address)"},
      {"old fault", Call(Sys::sigaltstack, {0, kBad}).ret(-EFAULT).d,
       "sigaltstack(NULL, 0x7f21dda89000) = -1 EFAULT (Bad address)"},
      {"NULLs", Call(Sys::sigaltstack, {0, 0}).ret(0).d, "sigaltstack(NULL, NULL) = 0"},
  });
}

TEST(DecodeCallText, Signalfd) {
  const uint64_t usr1 = set_of({SIGUSR1});
  check({
      {"signalfd4", Call(Sys::signalfd4, {~uint64_t{0}, kA, 8, 0x80800}).mem(1, usr1).ret(3).d,
       "signalfd4(-1, [USR1], 8, SFD_CLOEXEC|SFD_NONBLOCK) = 3"},
      {"no flags", Call(Sys::signalfd4, {3, kA, 8, 0}).mem(1, usr1).ret(3).d,
       "signalfd4(3, [USR1], 8, 0) = 3"},
      {"unknown flag", Call(Sys::signalfd4, {3, kA, 8, 1}).mem(1, usr1).ret(-EINVAL).d,
       "signalfd4(3, [USR1], 8, 0x1 /* SFD_??? */) = -1 EINVAL (Invalid argument)"},
      {"mixed flags", Call(Sys::signalfd4, {3, kA, 8, 0x80001}).mem(1, usr1).ret(-EINVAL).d,
       "signalfd4(3, [USR1], 8, SFD_CLOEXEC|0x1) = -1 EINVAL (Invalid argument)"},
      {"high bits", Call(Sys::signalfd4, {0x1ffffffff, kA, 8, 0x100080000}).mem(1, usr1).ret(4).d,
       "signalfd4(-1, [USR1], 8, SFD_CLOEXEC) = 4"},
      {"size 4", Call(Sys::signalfd4, {~uint64_t{0}, kB, 4, 0}).mem(1, usr1, 4).ret(-EINVAL).d,
       "signalfd4(-1, 0x7ffdb6a5f4f8, 4, 0) = -1 EINVAL (Invalid argument)"},
      {"fault", Call(Sys::signalfd4, {~uint64_t{0}, kBad, 8, 0}).unreadable(1).ret(-EFAULT).d,
       "signalfd4(-1, 0x7f21dda89000, 8, 0) = -1 EFAULT (Bad address)"},
      {"NULL", Call(Sys::signalfd4, {~uint64_t{0}, 0, 8, 0}).ret(-EFAULT).d,
       "signalfd4(-1, NULL, 8, 0) = -1 EFAULT (Bad address)"},
      {"signalfd", Call(Sys::signalfd, {~uint64_t{0}, kA, 8}).mem(1, usr1).ret(5).d,
       "signalfd(-1, [USR1], 8) = 5"},
      {"signalfd EBADF", Call(Sys::signalfd, {200, kA, 8}).mem(1, usr1).ret(-EBADF).d,
       "signalfd(200, [USR1], 8) = -1 EBADF (Bad file descriptor)"},
  });
}

TEST(DecodeCallText, WaitFamily) {
  const uint64_t usr1 = set_of({SIGUSR1});
  const uint64_t info_addr = 0x7fff76ba39d0;
  siginfo_t user = info(SIGUSR1, SI_USER);
  user.si_pid = 5299;
  siginfo_t queued = info(SIGUSR1, SI_QUEUE);
  queued.si_pid = 5299;
  queued.si_value.sival_int = 42;
  check({
      {"timeout",
       Call(Sys::rt_sigtimedwait, {kA, info_addr, kB, 8})
           .mem(0, usr1)
           .mem(2, KTimespec{0, 1000})
           .ret(-EAGAIN)
           .d,
       "rt_sigtimedwait([USR1], 0x7fff76ba39d0, {tv_sec=0, tv_nsec=1000}, 8) = -1 EAGAIN (Resource "
       "temporarily unavailable)"},
      {"NULL info",
       Call(Sys::rt_sigtimedwait, {kA, 0, kB, 8})
           .mem(0, usr1)
           .mem(2, KTimespec{0, 1000})
           .ret(-EAGAIN)
           .d,
       "rt_sigtimedwait([USR1], NULL, {tv_sec=0, tv_nsec=1000}, 8) = -1 EAGAIN (Resource "
       "temporarily unavailable)"},
      {"negative sec",
       Call(Sys::rt_sigtimedwait, {kA, info_addr, kB, 8})
           .mem(0, usr1)
           .mem(2, KTimespec{-1, 5})
           .ret(-EINVAL)
           .d,
       "rt_sigtimedwait([USR1], 0x7fff76ba39d0, {tv_sec=-1, tv_nsec=5}, 8) = -1 EINVAL (Invalid "
       "argument)"},
      {"big nsec",
       Call(Sys::rt_sigtimedwait, {kA, info_addr, kB, 8})
           .mem(0, usr1)
           .mem(2, KTimespec{0, 1000000000})
           .ret(-EINVAL)
           .d,
       "rt_sigtimedwait([USR1], 0x7fff76ba39d0, {tv_sec=0, tv_nsec=1000000000}, 8) = -1 EINVAL "
       "(Invalid argument)"},
      {"negative nsec",
       Call(Sys::rt_sigtimedwait, {kA, 0, kB, 8})
           .mem(0, usr1)
           .mem(2, KTimespec{0, -1})
           .ret(-EINVAL)
           .d,
       "rt_sigtimedwait([USR1], NULL, {tv_sec=0, tv_nsec=18446744073709551615}, 8) = -1 EINVAL "
       "(Invalid argument)"},
      {"timeout fault",
       Call(Sys::rt_sigtimedwait, {kA, 0, kBad, 8}).mem(0, usr1).unreadable(2).ret(-EFAULT).d,
       "rt_sigtimedwait([USR1], NULL, 0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"size 7",
       Call(Sys::rt_sigtimedwait, {kA, 0, kB, 7})
           .mem(0, usr1, 7)
           .mem(2, KTimespec{0, -1})
           .ret(-EINVAL)
           .d,
       "rt_sigtimedwait(0x7ffdb6a5f500, NULL, {tv_sec=0, tv_nsec=18446744073709551615}, 7) = -1 "
       "EINVAL (Invalid argument)"},
      {"got USR1",
       Call(Sys::rt_sigtimedwait, {kA, info_addr, kB, 8})
           .mem(0, usr1)
           .mem(1, user)
           .mem(2, KTimespec{1, 0})
           .ret(10)
           .d,
       "rt_sigtimedwait([USR1], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=5299, si_uid=0}, "
       "{tv_sec=1, tv_nsec=0}, 8) = 10 (SIGUSR1)"},
      {"no info", Call(Sys::rt_sigtimedwait, {kA, 0, 0, 8}).mem(0, usr1).ret(10).d,
       "rt_sigtimedwait([USR1], NULL, NULL, 8) = 10 (SIGUSR1)"},
      {"queued",
       Call(Sys::rt_sigtimedwait, {kA, info_addr, 0, 8}).mem(0, usr1).mem(1, queued).ret(10).d,
       "rt_sigtimedwait([USR1], {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=5299, si_uid=0, "
       "si_int=42, si_ptr=0x2a}, NULL, 8) = 10 (SIGUSR1)"},
      {"RT result", Call(Sys::rt_sigtimedwait, {kA, 0, 0, 8}).mem(0, set_of({34})).ret(34).d,
       "rt_sigtimedwait([RT_2], NULL, NULL, 8) = 34 (SIGRT_2)"},
      {"still waiting", Call(Sys::rt_sigtimedwait, {kA, info_addr, 0, 8}).mem(0, usr1).d,
       "rt_sigtimedwait([USR1], 0x7fff76ba39d0, NULL, 8) = ?"},
      {"sigsuspend", Call(Sys::rt_sigsuspend, {kA, 8}).mem(0, set_of({SIGINT})).ret(-514).d,
       "rt_sigsuspend([INT], 8) = ? ERESTARTNOHAND (To be restarted if no handler)"},
      {"sigsuspend size 4",
       Call(Sys::rt_sigsuspend, {kA, 4}).mem(0, ~uint64_t{0}, 4).ret(-EINVAL).d,
       "rt_sigsuspend(0x7ffdb6a5f500, 4) = -1 EINVAL (Invalid argument)"},
      {"sigsuspend fault", Call(Sys::rt_sigsuspend, {kBad, 8}).unreadable(0).ret(-EFAULT).d,
       "rt_sigsuspend(0x7f21dda89000, 8) = -1 EFAULT (Bad address)"},
      {"sigsuspend NULL", Call(Sys::rt_sigsuspend, {0, 8}).ret(-EFAULT).d,
       "rt_sigsuspend(NULL, 8) = -1 EFAULT (Bad address)"},
      {"pause", Call(Sys::pause, {}).ret(-514).d,
       "pause() = ? ERESTARTNOHAND (To be restarted if no handler)"},
      {"sigreturn", Call(Sys::rt_sigreturn, {kA}).mem(0, uint64_t{0}).ret(-EINTR).d,
       "rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)"},
  });
}

// Results strace prints specially: kernel-internal errnos and numbers glibc has no name for
// (forced with a SECCOMP_RET_ERRNO filter on kill).
TEST(DecodeCallText, ErrorResults) {
  struct R {
    int err;
    const char* text;
  };
  const R results[] = {
      {1, "-1 EPERM (Operation not permitted)"},
      {133, "-1 EHWPOISON (Memory page has hardware error)"},
      {134, "-1 (errno 134)"},
      {41, "-1 (errno 41)"},
      {511, "-1 (errno 511)"},
      {512, "? ERESTARTSYS (To be restarted if SA_RESTART is set)"},
      {513, "? ERESTARTNOINTR (To be restarted)"},
      {514, "? ERESTARTNOHAND (To be restarted if no handler)"},
      {515, "-1 ENOIOCTLCMD (Unknown error 515)"},
      {516, "? ERESTART_RESTARTBLOCK (Interrupted by signal)"},
      {517, "-1 EPROBE_DEFER (Unknown error 517)"},
      {518, "-1 EOPENSTALE (Unknown error 518)"},
      {519, "-1 (errno 519)"},
      {520, "-1 (errno 520)"},
      {521, "-1 EBADHANDLE (Unknown error 521)"},
      {524, "-1 ENOTSUPP (Unknown error 524)"},
      {530, "-1 ERECALLCONFLICT (Unknown error 530)"},
      {531, "-1 (errno 531)"},
      {4095, "-1 (errno 4095)"},
  };
  for (const R& r : results) {
    SCOPED_TRACE(r.err);
    EXPECT_EQ(line(Call(Sys::kill, {999999, 0}).ret(-r.err).d),
              std::string("kill(999999, 0) = ") + r.text);
  }
  // Outside -4095..-1 a negative return is a value, not an error.
  EXPECT_EQ(line(Call(Sys::kill, {1, 0}).ret(-4096).d), "kill(1, 0) = -4096");
}

}  // namespace
}  // namespace sigvisor
