// Foreign-ABI calls: how they are named (ArchMap::describe_foreign) and how their events
// read in text and JSON — the call is not decoded, so both show the raw registers.
#include <gtest/gtest.h>
#include <linux/audit.h>

#include <cerrno>

#include "events/event.h"
#include "events/event_json.h"
#include "events/event_text.h"
#include "kernel/syscall_arch.h"

namespace sigvisor {
namespace {

struct NameCase {
  const char* what;
  uint32_t arch;
  uint64_t nr;
  const char* abi;
  const char* name;
};

const NameCase kNames[] = {
    {"x32_kill", AUDIT_ARCH_X86_64, 0x40000000 | 62, "x32", "kill"},
    {"x32_rt_sigaction", AUDIT_ARCH_X86_64, 0x40000000 | 512, "x32", "rt_sigaction"},
    {"x32_unknown_number", AUDIT_ARCH_X86_64, 0x40000000 | 4000, "x32", "syscall_0x40000fa0"},
    {"i386_rt_sigaction", AUDIT_ARCH_I386, 174, "i386", "rt_sigaction"},
    {"i386_legacy_sigaction", AUDIT_ARCH_I386, 67, "i386", "sigaction"},
    {"i386_unknown_number", AUDIT_ARCH_I386, 9999, "i386", "syscall_0x270f"},
    {"number_beyond_int", AUDIT_ARCH_I386, 0x1'0000'0000ULL, "i386", "syscall_0x100000000"},
    {"other_arch", AUDIT_ARCH_AARCH64, 129, "aarch64", "syscall_0x81"},
};

class ForeignName : public testing::TestWithParam<NameCase> {};

TEST_P(ForeignName, AbiAndName) {
  const NameCase& c = GetParam();
  ForeignCall f = ArchMap::describe_foreign(c.arch, c.nr);
  EXPECT_STREQ(f.abi, c.abi);
  EXPECT_EQ(f.name, c.name);
}

INSTANTIATE_TEST_SUITE_P(Table, ForeignName, testing::ValuesIn(kNames),
                         [](const auto& i) { return std::string(i.param.what); });

Event x32_kill_event() {
  ForeignCallEvent ev;
  ev.caller = ProcRef{4242, 4243, make_comm("x32_kill")};
  ev.abi = "x32";
  ev.name = "kill";
  ev.nr = 0x40000000 | 62;
  ev.regs = {1, 15, 0, 0x7ffc, 0, 0};
  ev.err = ENOSYS;
  Event e;
  e.seq = 7;
  e.nprocs = 1;
  e.body = ev;
  return e;
}

TEST(ForeignCallEvent, Text) {
  std::string out;
  format_event_text(x32_kill_event(), TextStyle{}, out);
  EXPECT_EQ(out,
            "[x32] kill(0x1, 0xf, 0, 0x7ffc, 0, 0)   = -1 ENOSYS (Function not implemented) "
            "(DENIED by rule \"foreign-abi\")\n");
}

TEST(ForeignCallEvent, TextWithPidPrefix) {
  std::string out;
  format_event_text(x32_kill_event(), TextStyle{true, false}, out);
  EXPECT_EQ(out.rfind("[pid  4243] [x32] kill(", 0), 0u) << out;
}

TEST(ForeignCallEvent, Json) {
  auto j = event_json(x32_kill_event());
  EXPECT_EQ(j["event"], "syscall");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["tid"], 4243);
  EXPECT_EQ(j["comm"], "x32_kill");
  EXPECT_EQ(j["syscall"], "kill");
  EXPECT_EQ(j["arch"], "x32");
  EXPECT_EQ(j["nr"], 0x40000000 | 62);
  EXPECT_EQ(j["args"]["regs"], nlohmann::json::array({1, 15, 0, 0x7ffc, 0, 0}));
  EXPECT_TRUE(j["target"].is_null());
  EXPECT_EQ(j["action"], "deny");
  EXPECT_EQ(j["rule"], "foreign-abi");
  EXPECT_EQ(j["retval"], -1);
  EXPECT_EQ(j["errno"], "ENOSYS");
  EXPECT_EQ(j["racy"], false);
}

}  // namespace
}  // namespace sigvisor
