// Kernel records → events (engine/kernel/record_events.h) on hand-made records: a call's
// registers and buffers become the CallData the decoders print (the same text as the
// notify engine's capture), malformed records are refused, argv is split as exec left it.
#include "engine/kernel/record_events.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/syscall.h>

#include <cstring>

#include "decode/decode.h"

namespace sigvisor {
namespace {

sv_call mask_call(long ret) {
  sv_call r{};
  r.h.type = SV_REC_CALL;
  r.h.tid = 42;
  r.h.tgid = 40;
  r.nr = SYS_rt_sigprocmask;
  r.ret = ret;
  r.args[0] = SIG_BLOCK;
  r.args[1] = 0x7ffd0000;
  r.args[2] = 0x7ffd0100;
  r.args[3] = 8;
  r.nbuf = 2;
  uint64_t set = (1ull << (SIGTERM - 1)) | (1ull << (SIGINT - 1));
  r.buf[0] = sv_buffer{0x7ffd0000, 1, 1, 1, 0, 8, 0, {}};
  std::memcpy(r.buf[0].bytes, &set, 8);
  uint64_t old = 0;
  r.buf[1] = sv_buffer{0x7ffd0100, 2, 1, 1, 0, 8, 0, {}};
  std::memcpy(r.buf[1].bytes, &old, 8);
  std::strcpy(r.comm, "masker");
  return r;
}

std::string text_of(const CallData& c) {
  std::string s;
  format_call_text(c, s);
  s += " = ";
  format_result_text(c, s);
  return s;
}

TEST(RecordEvents, ACallRecordPrintsAsStraceDoes) {
  const sv_call r = mask_call(0);
  ASSERT_EQ(record_type(&r, sizeof r), SV_REC_CALL);
  auto c = call_data_of(r, sizeof r);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->sys, Sys::rt_sigprocmask);
  EXPECT_EQ(text_of(*c), "rt_sigprocmask(SIG_BLOCK, [INT TERM], [], 8) = 0");
  const ProcRef who = caller_of(r.h, r.comm);
  EXPECT_EQ(who.pid, 40);
  EXPECT_EQ(who.tid, 42);
  EXPECT_EQ(comm_view(who.comm), "masker");
}

TEST(RecordEvents, AnUnreadablePointerIsShownAsItsAddress) {
  sv_call r = mask_call(-14);  // EFAULT
  r.buf[0].ok = 0;
  r.nbuf = 1;
  auto c = call_data_of(r, sizeof r);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(text_of(*c),
            "rt_sigprocmask(SIG_BLOCK, 0x7ffd0000, 0x7ffd0100, 8) = -1 EFAULT (Bad address)");
}

TEST(RecordEvents, AnUnfinishedCallHasNoResult) {
  sv_call r = mask_call(0);
  r.unfinished = 1;
  auto c = call_data_of(r, sizeof r);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->retval.has_value());
}

TEST(RecordEvents, MalformedRecordsAreRefused) {
  sv_call r = mask_call(0);
  EXPECT_EQ(record_type(&r, sizeof(sv_header) - 1), 0u);
  // A buffer that runs past the bytes the ring buffer gave.
  EXPECT_FALSE(call_data_of(r, offsetof(sv_call, buf) + 30).has_value());
  r.nbuf = SV_MAX_PTRS + 1;
  EXPECT_FALSE(call_data_of(r, sizeof r).has_value());
  r = mask_call(0);
  r.buf[1].arg = 6;
  EXPECT_FALSE(call_data_of(r, sizeof r).has_value());
  r = mask_call(0);
  r.nr = 100000;  // not a number sigvisor knows
  EXPECT_FALSE(call_data_of(r, sizeof r).has_value());
  sv_header h{};
  h.type = 99;
  EXPECT_EQ(record_type(&h, sizeof h), 0u);
}

TEST(RecordEvents, ARecordCutAfterItsLastBufferIsWhole) {
  // The programs write only up to the last buffer's bytes (rounded up to 8).
  const sv_call r = mask_call(0);
  const std::size_t size =
      offsetof(sv_call, buf) + sizeof(sv_buffer) + offsetof(sv_buffer, bytes) + 8;
  EXPECT_TRUE(call_data_of(r, size).has_value());
}

TEST(RecordEvents, SpawnKindsAreNamedAsPtraceNamesThem) {
  sv_spawn r{};
  r.h.tid = 10;
  r.h.tgid = 10;
  r.child_tid = 11;
  r.child_tgid = 11;
  r.kind = SV_SPAWN_VFORK;
  EXPECT_EQ(spawn_event_of(r).kind, SpawnKind::vfork);
  r.kind = SV_SPAWN_CLONE;
  r.thread = 1;
  r.child_tgid = 10;
  SpawnEvent t = spawn_event_of(r);
  EXPECT_EQ(t.kind, SpawnKind::clone);
  EXPECT_TRUE(t.thread);
  EXPECT_EQ(t.child_pid, 10);
  EXPECT_EQ(t.child_tid, 11);
}

TEST(RecordEvents, ArgvIsSplitAtNuls) {
  const char bytes[] = "sh\0-c\0echo hi\0";
  EXPECT_EQ(split_argv(bytes, sizeof bytes - 1), (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(split_argv(bytes, 4), (std::vector<std::string>{"sh", "-"}));  // cut short
  EXPECT_TRUE(split_argv(bytes, 0).empty());
}

TEST(RecordEvents, WhoWroteTheSiginfo) {
  EXPECT_TRUE(kernel_made(CLD_EXITED));
  EXPECT_TRUE(kernel_made(SI_KERNEL));
  EXPECT_TRUE(kernel_made(SI_TIMER));
  EXPECT_FALSE(kernel_made(SI_USER));
  EXPECT_FALSE(kernel_made(SI_QUEUE));
  EXPECT_TRUE(caller_written(SI_QUEUE));
  EXPECT_TRUE(caller_written(SI_MESGQ));
  EXPECT_FALSE(caller_written(SI_TKILL));
  EXPECT_FALSE(caller_written(SI_USER));
  EXPECT_FALSE(caller_written(SI_TIMER));
}

}  // namespace
}  // namespace sigvisor
