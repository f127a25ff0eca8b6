// The trace_pipe line parser on a table of lines: what the kernel prints (with and without
// record-tgid, unknown names and tgids, comms with spaces, dashes and brackets, lost
// events) and what it must refuse rather than half-read.
#include "engine/notify/ktrace/trace_line.h"

#include <gtest/gtest.h>

#include "case_name.h"

namespace sigvisor::test {
namespace {

struct Good {
  const char* what;
  const char* line;
  pid_t sender_tid, sender_tgid;
  const char* sender_comm;
  int sig, code;
  const char* target_comm;
  pid_t target;
  bool group;
  int result;
  double ts;
};

class GoodLine : public ::testing::TestWithParam<Good> {};

TEST_P(GoodLine, Parses) {
  const Good& g = GetParam();
  auto r = parse_trace_line(g.line);
  ASSERT_TRUE(r) << r.error().message;
  const auto* s = std::get_if<TraceSend>(&*r);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->sender_tid, g.sender_tid);
  EXPECT_EQ(s->sender_tgid, g.sender_tgid);
  EXPECT_EQ(comm_view(s->sender_comm), g.sender_comm);
  EXPECT_EQ(s->sig, g.sig);
  EXPECT_EQ(s->code, g.code);
  EXPECT_EQ(comm_view(s->target_comm), g.target_comm);
  EXPECT_EQ(s->target, g.target);
  EXPECT_EQ(s->group, g.group);
  EXPECT_EQ(s->result, g.result);
  EXPECT_NEAR(s->ts, g.ts, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, GoodLine,
    ::testing::Values(
        Good{"record_tgid",
             "            bash-13633   (  13633) [000] d..1.  1824.864983: signal_generate: sig=10 "
             "errno=0 code=0 comm=sleep pid=13639 grp=1 res=0",
             13633, 13633, "bash", 10, 0, "sleep", 13639, true, 0, 1824.864983},
        Good{"no_tgid_column",
             "kill-4242 [001] d..1. 12.000001: signal_generate: sig=9 errno=0 code=0 comm=sleep "
             "pid=4240 grp=1 res=0",
             4242, 0, "kill", 9, 0, "sleep", 4240, true, 0, 12.000001},
        Good{"tgid_not_recorded",
             "  <...>-77 (-------) [001] d..1. 5.5: signal_generate: sig=15 errno=0 code=0 comm=x "
             "pid=78 grp=1 res=0",
             77, 0, "", 15, 0, "x", 78, true, 0, 5.5},
        Good{"thread_directed_tkill",
             " worker-9-12 (   9) [000] ..... 3.25: signal_generate: sig=12 errno=0 code=-6 "
             "comm=main pid=9 grp=0 res=0",
             12, 9, "worker-9", 12, -6, "main", 9, false, 0, 3.25},
        Good{"comms_with_spaces_and_brackets",
             "a [b] c-100 (  100) [001] d..1. 1.0: signal_generate: sig=10 errno=0 code=-1 comm=x "
             "pid=1 grp=0 r pid=200 grp=1 res=2",
             100, 100, "a [b] c", 10, -1, "x pid=1 grp=0 r", 200, true, 2, 1.0},
        Good{"no_irq_info_flags",
             "stress-ng-kill-5 (    5) [001] 99.123456789: signal_generate: sig=34 errno=0 code=-1 "
             "comm=stress-ng pid=6 grp=1 res=4",
             5, 5, "stress-ng-kill", 34, -1, "stress-ng", 6, true, 4, 99.123456789},
        Good{"kernel_code_and_errno",
             "  kworker/u4:1-30 (   30) [000] d.h1. 7.000000: signal_generate: sig=17 errno=0 "
             "code=1 comm=bash pid=40 grp=1 res=0",
             30, 30, "kworker/u4:1", 17, 1, "bash", 40, true, 0, 7.0}),
    CaseName{});

struct Bad {
  const char* what;
  const char* line;
};

class BadLine : public ::testing::TestWithParam<Bad> {};

TEST_P(BadLine, IsRefused) {
  auto r = parse_trace_line(GetParam().line);
  EXPECT_FALSE(r) << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, BadLine,
    ::testing::Values(
        Bad{"empty", ""}, Bad{"header", "# tracer: nop"},
        Bad{"other_event",
            "bash-1 [000] d..1. 1.0: signal_deliver: sig=10 errno=0 code=0 sa_handler=0 "
            "sa_flags=0"},
        Bad{"cut_in_the_middle",
            "bash-1 (    1) [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pi"},
        Bad{"no_cpu",
            "bash-1 (    1) d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 "
            "res=0"},
        Bad{"no_pid_after_comm",
            "bash [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 "
            "res=0"},
        Bad{"bad_timestamp",
            "bash-1 [000] d..1. soon: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=1 "
            "res=0"},
        Bad{"bad_tgid",
            "bash-1 (  1x) [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 "
            "grp=1 res=0"},
        Bad{"signal_out_of_range",
            "bash-1 [000] d..1. 1.0: signal_generate: sig=65 errno=0 code=0 comm=x pid=2 grp=1 "
            "res=0"},
        Bad{"grp_not_boolean",
            "bash-1 [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2 grp=3 "
            "res=0"},
        Bad{"target_zero",
            "bash-1 [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=0 grp=1 "
            "res=0"},
        Bad{"number_with_junk",
            "bash-1 [000] d..1. 1.0: signal_generate: sig=10 errno=0 code=0 comm=x pid=2x grp=1 "
            "res=0"},
        Bad{"lost_without_count", "CPU:1 [LOST EVENTS]"}),
    CaseName{});

TEST(TraceLine, LostEvents) {
  auto r = parse_trace_line("CPU:1 [LOST 123 EVENTS]\n");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(std::holds_alternative<TraceLost>(*r));
  EXPECT_EQ(std::get<TraceLost>(*r).events, 123u);
}

}  // namespace
}  // namespace sigvisor::test
