// Wait statuses → stop kinds (stop_kind.h), the restart rule per front end, and how a run
// end becomes sigvisor's exit status and its one-line message.
#include <gtest/gtest.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <csignal>

#include "case_name.h"
#include "engine/notify/restart_rule.h"
#include "engine/notify/stop_kind.h"
#include "run/run_end.h"

namespace sigvisor::test {
namespace {

constexpr int stopped(int sig, int event = 0) {
  return (event << 16) | (sig << 8) | 0x7f;
}

struct KindCase {
  const char* what;
  int status;
  StopKind kind;
  int sig;
  int event;
};

class StopKinds : public ::testing::TestWithParam<KindCase> {};

TEST_P(StopKinds, Classify) {
  const KindCase& c = GetParam();
  Stop s = classify_stop(42, c.status);
  EXPECT_EQ(s.pid, 42);
  EXPECT_EQ(s.kind, c.kind) << stop_kind_name(s.kind);
  EXPECT_EQ(s.sig, c.sig);
  EXPECT_EQ(s.event, c.event);
  EXPECT_EQ(s.status, c.status);
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, StopKinds,
    ::testing::Values(
        KindCase{"exit 3", 3 << 8, StopKind::exited, 0, 0},
        KindCase{"killed by SIGKILL", SIGKILL, StopKind::exited, 0, 0},
        KindCase{"killed with core", SIGSEGV | 0x80, StopKind::exited, 0, 0},
        KindCase{"fork", stopped(SIGTRAP, PTRACE_EVENT_FORK), StopKind::spawn, SIGTRAP,
                 PTRACE_EVENT_FORK},
        KindCase{"vfork", stopped(SIGTRAP, PTRACE_EVENT_VFORK), StopKind::spawn, SIGTRAP,
                 PTRACE_EVENT_VFORK},
        KindCase{"clone", stopped(SIGTRAP, PTRACE_EVENT_CLONE), StopKind::spawn, SIGTRAP,
                 PTRACE_EVENT_CLONE},
        KindCase{"exec", stopped(SIGTRAP, PTRACE_EVENT_EXEC), StopKind::exec, SIGTRAP,
                 PTRACE_EVENT_EXEC},
        KindCase{"seccomp", stopped(SIGTRAP, PTRACE_EVENT_SECCOMP), StopKind::seccomp, SIGTRAP,
                 PTRACE_EVENT_SECCOMP},
        KindCase{"syscall stop", stopped(SIGTRAP | 0x80), StopKind::syscall, SIGTRAP | 0x80, 0},
        KindCase{"group stop SIGSTOP", stopped(SIGSTOP, PTRACE_EVENT_STOP), StopKind::group_stop,
                 SIGSTOP, PTRACE_EVENT_STOP},
        KindCase{"group stop SIGTSTP", stopped(SIGTSTP, PTRACE_EVENT_STOP), StopKind::group_stop,
                 SIGTSTP, PTRACE_EVENT_STOP},
        KindCase{"group stop SIGTTIN", stopped(SIGTTIN, PTRACE_EVENT_STOP), StopKind::group_stop,
                 SIGTTIN, PTRACE_EVENT_STOP},
        KindCase{"group stop SIGTTOU", stopped(SIGTTOU, PTRACE_EVENT_STOP), StopKind::group_stop,
                 SIGTTOU, PTRACE_EVENT_STOP},
        KindCase{"initial or interrupt stop", stopped(SIGTRAP, PTRACE_EVENT_STOP),
                 StopKind::event_stop, SIGTRAP, PTRACE_EVENT_STOP},
        KindCase{"delivery of SIGTERM", stopped(SIGTERM), StopKind::delivery, SIGTERM, 0},
        KindCase{"delivery of a plain SIGTRAP", stopped(SIGTRAP), StopKind::delivery, SIGTRAP, 0},
        KindCase{"delivery of SIGSTOP (not yet a group stop)", stopped(SIGSTOP), StopKind::delivery,
                 SIGSTOP, 0},
        KindCase{"exit event", stopped(SIGTRAP, PTRACE_EVENT_EXIT), StopKind::other_event, SIGTRAP,
                 PTRACE_EVENT_EXIT},
        KindCase{"continued", 0xffff, StopKind::not_a_stop, 0, 0}),
    CaseName());

TEST(RestartRule, AttachStopsAtEverySyscallLaunchOnlyWhereAsked) {
  struct Case {
    RestartRule rule;
    Resume in;
    Resume out;
  };
  const Case cases[] = {
      {RestartRule::filtered, Resume::cont, Resume::cont},
      {RestartRule::filtered, Resume::syscall, Resume::syscall},
      {RestartRule::filtered, Resume::listen, Resume::listen},
      {RestartRule::every_syscall, Resume::cont, Resume::syscall},
      {RestartRule::every_syscall, Resume::syscall, Resume::syscall},
      {RestartRule::every_syscall, Resume::listen, Resume::listen},
      {RestartRule::every_syscall, Resume::detach, Resume::detach},
  };
  for (const Case& c : cases) {
    Restart r = apply_rule(c.rule, Restart{c.in, SIGINT});
    EXPECT_EQ(r.how, c.out);
    EXPECT_EQ(r.sig, SIGINT) << "the signal to deliver is kept";
  }
}

TEST(RunEnd, ExitStatusAndMessage) {
  struct Case {
    const char* what;
    RunEnd end;
    int status;
    const char* message;
  };
  using C = RunEnd::Cause;
  const Case cases[] = {
      {"exit 0", RunEnd{C::program_exited, 0, 0, 0, false, 0, 0}, 0, ""},
      {"exit 7", RunEnd{C::program_exited, 0, 0, 0, false, 7 << 8, 0}, 7, ""},
      {"killed by SIGTERM", RunEnd{C::program_exited, 0, 0, 0, false, SIGTERM, 0}, 128 + SIGTERM,
       ""},
      {"policy abort", RunEnd{C::policy_abort, 0, 3, 0, false, SIGKILL, 125}, 125, ""},
      {"timeout, KILL", RunEnd{C::timeout, SIGKILL, 3, 0, false, SIGKILL, 124, 1.5, 0}, 124,
       "sigvisor: timeout after 1.5 s: killed 3 processes"},
      {"timeout, TERM", RunEnd{C::timeout, SIGTERM, 0, 3, false, 0, 124, 1.5, 0}, 124,
       "sigvisor: timeout after 1.5 s: sent SIGTERM to 3 processes"},
      {"timeout, TERM then kill", RunEnd{C::timeout, SIGTERM, 1, 3, true, SIGKILL, 124, 1.5, 2},
       124,
       "sigvisor: timeout after 1.5 s: sent SIGTERM to 3 processes, killed 1 still running 2 s "
       "later"},
      {"fatal signal", RunEnd{C::fatal_signal, SIGINT, 2, 0, false, SIGKILL, 130}, 130,
       "sigvisor: received SIGINT: killed 2 processes"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(exit_status(c.end), c.status) << c.what;
    EXPECT_EQ(end_message(c.end), c.message) << c.what;
  }
}

}  // namespace
}  // namespace sigvisor::test
