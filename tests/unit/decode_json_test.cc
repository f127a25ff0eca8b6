// args_json and siginfo_json: the same facts as the strace text, as structured values
// (conventions documented at the top of src/decode/call_json.cc).
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <signal.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "decode/decode.h"
#include "decode_call_builder.h"

namespace sigvisor {
namespace {

using nlohmann::json;

using namespace test;  // NOLINT(google-build-using-namespace): the builders

struct Case {
  const char* label;
  CallData call;
  json expected;
};

TEST(DecodeJson, Args) {
  siginfo_t q = info(SIGUSR1, SI_QUEUE);
  q.si_pid = 4242;
  q.si_value.sival_int = 42;
  const KSigaction act{0x401234, 0x04000000 | SA_RESTART | 0x400, 0x401000, set_of({SIGINT, 33})};
  const std::vector<Case> cases = {
      {"kill", Call(Sys::kill, {4243, SIGTERM}).ret(0).d, {{"pid", 4243}, {"sig", "SIGTERM"}}},
      {"kill negative, sig 0", Call(Sys::kill, {0xffffffff, 0}).d, {{"pid", -1}, {"sig", 0}}},
      {"sig without name", Call(Sys::tkill, {7, 65}).d, {{"tid", 7}, {"sig", 65}}},
      {"RT signal",
       Call(Sys::tgkill, {7, 8, 32}).d,
       {{"tgid", 7}, {"tid", 8}, {"sig", "SIGRTMIN"}}},
      {"rt_sigqueueinfo",
       Call(Sys::rt_sigqueueinfo, {4243, SIGUSR1, kA}).mem(2, q).d,
       {{"tgid", 4243},
        {"sig", "SIGUSR1"},
        {"info",
         {{"si_signo", "SIGUSR1"},
          {"si_code", "SI_QUEUE"},
          {"si_pid", 4242},
          {"si_uid", 0},
          {"si_int", 42},
          {"si_ptr", "0x2a"}}}}},
      {"info NULL",
       Call(Sys::rt_sigqueueinfo, {4243, SIGUSR1, 0}).d,
       {{"tgid", 4243}, {"sig", "SIGUSR1"}, {"info", nullptr}}},
      {"info unreadable",
       Call(Sys::rt_sigqueueinfo, {4243, SIGUSR1, kA}).unreadable(2).d,
       {{"tgid", 4243}, {"sig", "SIGUSR1"}, {"info", {{"addr", "0x7ffdb6a5f500"}}}}},
      {"pidfd_send_signal",
       Call(Sys::pidfd_send_signal, {3, SIGKILL, 0, 5}).d,
       {{"pidfd", 3}, {"sig", "SIGKILL"}, {"info", nullptr}, {"flags", {{{"unknown", "0x5"}}}}}},
      {"pidfd_open",
       Call(Sys::pidfd_open, {4781, 0x801}).d,
       {{"pid", 4781}, {"flags", {"PIDFD_NONBLOCK", {{"unknown", "0x1"}}}}}},
      {"sigprocmask success",
       Call(Sys::rt_sigprocmask, {SIG_BLOCK, kA, kB, 8})
           .mem(1, set_of({SIGINT, SIGTERM}))
           .mem(2, uint64_t{0})
           .ret(0)
           .d,
       {{"how", "SIG_BLOCK"},
        {"set", {"SIGINT", "SIGTERM"}},
        {"oldset", json::array()},
        {"sigsetsize", 8}}},
      {"sigprocmask failed: oldset address",
       Call(Sys::rt_sigprocmask, {7, kA, kB, 8})
           .mem(1, uint64_t{0})
           .mem(2, uint64_t{0})
           .ret(-EINVAL)
           .d,
       {{"how", 7},
        {"set", json::array()},
        {"oldset", {{"addr", "0x7ffdb6a5f4f8"}}},
        {"sigsetsize", 8}}},
      {"sigprocmask unknown result",
       Call(Sys::rt_sigprocmask, {SIG_SETMASK, 0, kB, 8}).mem(2, uint64_t{0}).d,
       {{"how", "SIG_SETMASK"},
        {"set", nullptr},
        {"oldset", {{"addr", "0x7ffdb6a5f4f8"}}},
        {"sigsetsize", 8}}},
      {"sigaction",
       Call(Sys::rt_sigaction, {SIGUSR1, kA, 0, 8}).mem(1, act).ret(0).d,
       {{"sig", "SIGUSR1"},
        {"act",
         {{"sa_handler", "0x401234"},
          {"sa_mask", {"SIGINT", "SIGRT_1"}},
          {"sa_flags", {"SA_RESTORER", "SA_RESTART", {{"unknown", "0x400"}}}},
          {"sa_restorer", "0x401000"}}},
        {"oact", nullptr},
        {"sigsetsize", 8}}},
      {"sigaction SIG_IGN, no restorer",
       Call(Sys::rt_sigaction, {SIGINT, kA, 0, 8}).mem(1, KSigaction{1, 0, 0x401000, 0}).d,
       {{"sig", "SIGINT"},
        {"act",
         {{"sa_handler", "SIG_IGN"}, {"sa_mask", json::array()}, {"sa_flags", json::array()}}},
        {"oact", nullptr},
        {"sigsetsize", 8}}},
      {"sigaltstack",
       Call(Sys::sigaltstack, {kA, kB})
           .mem(0, KStack{0x1000, 1, 0, 8192})
           .mem(1, KStack{0, 2, 0, 0})
           .ret(0)
           .d,
       {{"ss", {{"ss_sp", "0x1000"}, {"ss_flags", {"SS_ONSTACK"}}, {"ss_size", 8192}}},
        {"old_ss", {{"ss_sp", nullptr}, {"ss_flags", {"SS_DISABLE"}}, {"ss_size", 0}}}}},
      {"signalfd4",
       Call(Sys::signalfd4, {0xffffffff, kA, 8, 0x80800}).mem(1, set_of({SIGUSR1})).ret(3).d,
       {{"fd", -1},
        {"mask", {"SIGUSR1"}},
        {"sizemask", 8},
        {"flags", {"SFD_CLOEXEC", "SFD_NONBLOCK"}}}},
      {"sigtimedwait",
       Call(Sys::rt_sigtimedwait, {kA, 0, kB, 8})
           .mem(0, set_of({SIGUSR1}))
           .mem(2, KTimespec{1, 5})
           .ret(10)
           .d,
       {{"set", {"SIGUSR1"}},
        {"info", nullptr},
        {"timeout", {{"tv_sec", 1}, {"tv_nsec", 5}}},
        {"sigsetsize", 8}}},
      {"sigsuspend bad size",
       Call(Sys::rt_sigsuspend, {kA, 16}).d,
       {{"mask", {{"addr", "0x7ffdb6a5f500"}}}, {"sigsetsize", 16}}},
      {"pause", Call(Sys::pause, {}).d, json::object()},
      {"rt_sigreturn",
       Call(Sys::rt_sigreturn, {kA}).mem(0, set_of({SIGCHLD})).d,
       {{"mask", {"SIGCHLD"}}}},
      {"rt_sigreturn unknown", Call(Sys::rt_sigreturn, {}).d, json::object()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_EQ(args_json(c.call), c.expected) << args_json(c.call).dump();
  }
}

TEST(DecodeJson, FullSetListsEveryMember) {
  json j = args_json(Call(Sys::rt_sigsuspend, {kA, 8}).mem(0, ~uint64_t{0}).d);
  ASSERT_EQ(j["mask"].size(), 64u);
  EXPECT_EQ(j["mask"][0], "SIGHUP");
  EXPECT_EQ(j["mask"][28], "SIGIO");
  EXPECT_EQ(j["mask"][31], "SIGRTMIN");
  EXPECT_EQ(j["mask"][63], "SIGRT_32");
}

TEST(DecodeJson, Siginfo) {
  auto js = [](const siginfo_t& si) { return siginfo_json(reinterpret_cast<const uint8_t*>(&si)); };
  siginfo_t term = info(SIGTERM, SI_USER);
  term.si_pid = 4242;
  EXPECT_EQ(
      js(term),
      json({{"si_signo", "SIGTERM"}, {"si_code", "SI_USER"}, {"si_pid", 4242}, {"si_uid", 0}}));

  siginfo_t chld = info(SIGCHLD, CLD_KILLED);
  chld.si_pid = 10;
  chld.si_uid = static_cast<uid_t>(-1);
  chld.si_status = SIGKILL;
  chld.si_utime = 150;
  EXPECT_EQ(js(chld), json({{"si_signo", "SIGCHLD"},
                            {"si_code", "CLD_KILLED"},
                            {"si_pid", 10},
                            {"si_uid", -1},
                            {"si_status", "SIGKILL"},
                            {"si_utime", 150},
                            {"si_stime", 0}}));

  siginfo_t odd = info(SIGUSR1, -100);
  odd.si_errno = 134;
  EXPECT_EQ(js(odd), json({{"si_signo", "SIGUSR1"},
                           {"si_code", -100},
                           {"si_errno", 134},
                           {"si_pid", 0},
                           {"si_uid", 0}}));

  siginfo_t segv = info(SIGSEGV, SEGV_MAPERR);
  segv.si_errno = EPERM;
  EXPECT_EQ(js(segv), json({{"si_signo", "SIGSEGV"},
                            {"si_code", "SEGV_MAPERR"},
                            {"si_errno", "EPERM"},
                            {"si_addr", nullptr}}));

  siginfo_t sys = info(SIGSYS, 1);
  sys.si_call_addr = reinterpret_cast<void*>(0x401000);
  sys.si_syscall = 39;
  sys.si_arch = AUDIT_ARCH_X86_64;
  EXPECT_EQ(js(sys), json({{"si_signo", "SIGSYS"},
                           {"si_code", "SYS_SECCOMP"},
                           {"si_call_addr", "0x401000"},
                           {"si_syscall", 39},
                           {"si_arch", "AUDIT_ARCH_X86_64"}}));

  siginfo_t timer = info(SIGALRM, SI_TIMER);
  timer.si_timerid = 0x12;
  EXPECT_EQ(js(timer), json({{"si_signo", "SIGALRM"},
                             {"si_code", "SI_TIMER"},
                             {"si_timerid", 0x12},
                             {"si_overrun", 0},
                             {"si_int", 0},
                             {"si_ptr", nullptr}}));
  EXPECT_EQ(js(info(0, 0)), json::object());
}

}  // namespace
}  // namespace sigvisor
