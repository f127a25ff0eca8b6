// -e trace=SET parsing: names, families, all/none, negation, and bad names.
#include <gtest/gtest.h>

#include "cli/trace_set.h"

namespace sigvisor {
namespace {

std::bitset<kSysCount> of(std::initializer_list<Sys> l) {
  std::bitset<kSysCount> b;
  for (Sys s : l) b.set(static_cast<std::size_t>(s));
  return b;
}

struct Case {
  const char* set;
  std::bitset<kSysCount> want;
};

TEST(TraceSet, GoodSets) {
  std::bitset<kSysCount> all;
  all.set();
  const Case cases[] = {
      {"kill", of({Sys::kill})},
      {"kill,tgkill", of({Sys::kill, Sys::tgkill})},
      {"send", of({Sys::kill, Sys::tkill, Sys::tgkill, Sys::rt_sigqueueinfo, Sys::rt_tgsigqueueinfo,
                   Sys::pidfd_send_signal, Sys::pidfd_open})},
      {"%mask", of({Sys::rt_sigprocmask})},
      {"mask,action", of({Sys::rt_sigprocmask, Sys::rt_sigaction})},
      {"fd", of({Sys::signalfd, Sys::signalfd4})},
      {"wait", of({Sys::rt_sigtimedwait, Sys::rt_sigsuspend, Sys::pause, Sys::rt_sigpending})},
      {"stack", of({Sys::sigaltstack})},
      {"all", all},
      {"%signal", all},
      {"none", {}},
      {"!kill", ~of({Sys::kill})},
      {"!send,mask",
       ~(of({Sys::kill, Sys::tkill, Sys::tgkill, Sys::rt_sigqueueinfo, Sys::rt_tgsigqueueinfo,
             Sys::pidfd_send_signal, Sys::pidfd_open, Sys::rt_sigprocmask}))},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.set);
    auto got = parse_trace_set(c.set);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(*got, c.want);
  }
}

TEST(TraceSet, BadSets) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty syscall set"},
      {"!", "empty syscall set"},
      {"kil", "unknown syscall or family \"kil\""},
      {"kill,bogus", "unknown syscall or family \"bogus\""},
      {"read", "unknown syscall or family \"read\""},
  };
  for (const auto& [set, msg] : cases) {
    SCOPED_TRACE(set);
    auto got = parse_trace_set(set);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind(msg, 0), 0u) << got.error().message;
  }
}

}  // namespace
}  // namespace sigvisor
