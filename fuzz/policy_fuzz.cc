// libFuzzer target for the policy loader: the input is a policy file. Loading must never
// crash, throw or hang; an error must be the one line the CLI prints; a loaded policy must
// answer decide()/decide_delivery() for every syscall without crashing. Run by
// scripts/fuzz.sh with fuzz/corpus/policy and fuzz/policy.dict.
#include <linux/audit.h>
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/scope.h"
#include "names/syscall_table.h"
#include "policy/policy.h"

namespace sigvisor {
namespace {

constexpr uint64_t kPtr = 0x7ffdb6a5f500;  // a plausible user pointer

// A contract the unit tests state but the fuzzer should also hold: report and crash.
void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "policy_fuzz: violated: %s\n", what);
  std::abort();
}

// Every pointer argument "read" with fixed bytes: SIG_IGN handler, a mask holding SIGTERM,
// si_code SI_QUEUE, so memory keys (code, blocks, handler) have something to look at.
void fill_memory(CallData& c, bool readable) {
  for (std::size_t i = 0; i < c.mem.size(); ++i) {
    UserBuffer& b = c.mem[i];
    b.addr = c.regs[i];
    b.size = 128;
    b.read = true;
    b.ok = readable;
    b.bytes.fill(0);
    const uint64_t word0 = 1;  // SIG_IGN / SIGHUP in a set / si_signo 1
    const int32_t code = -1;   // SI_QUEUE
    std::memcpy(b.bytes.data(), &word0, sizeof word0);
    std::memcpy(b.bytes.data() + 8, &code, sizeof code);
  }
}

void decide_all(const Policy& p) {
  const std::string_view comms[] = {"sh", "", "a-very-long-comm"};
  const std::string_view exes[] = {"/usr/bin/sh", ""};
  int n = 0;
  // Every syscall, twice: plausible registers with readable memory and a target of some
  // scope, then hostile registers (NULL pointers, huge values) with no target at all.
  for (std::size_t s = 0; s < kSysCount; ++s) {
    for (int variant = 0; variant < 2; ++variant, ++n) {
      CallData c;
      c.sys = static_cast<Sys>(s);
      c.arch = variant == 0 ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
      if (variant == 0) {
        c.regs = {4242, SIGTERM, kPtr, 8, kPtr, 8};
      } else {
        c.regs = {~uint64_t{0}, 0x100000040, 0, 7, 0, ~uint64_t{0}};
      }
      fill_memory(c, variant == 0);
      Target t;
      t.pid = 4242;
      t.scope = static_cast<Scope>(n % kScopeCount);
      CallContext ctx{&c, 100, 101, comms[n % 3], exes[n % 2], variant == 0 ? &t : nullptr};
      (void)p.records(p.decide(ctx));
    }
  }
  // Every intercepted indirect command (fcntl F_SETSIG, ioctl TIOCSIG, ...).
  for (const IndirectCommand& cmd : indirect_commands()) {
    CallData c;
    c.sys = cmd.sys;
    const SyscallSpec& s = spec(cmd.sys);
    for (int i = 0; i < s.nargs; ++i) {
      c.regs[i] = s.args[i] == Arg::command ? cmd.cmd : kPtr;
    }
    fill_memory(c, true);
    Target t;
    t.scope = Scope::outside;
    CallContext ctx{&c, 100, 100, "sh", "/bin/sh", &t};
    (void)p.decide(ctx);
  }
  // A context without a call (defensive path in the matcher).
  (void)p.decide(CallContext{});
  // Deliveries: ordinary, realtime, kernel-sent, and out-of-range values.
  const DeliveryContext deliveries[] = {
      {SIGTERM, 0, Scope::sandbox, 100, "sh", "/bin/sh"},
      {SIGSEGV, 1, Scope::kernel, 100, "a.out", ""},
      {64, -1, Scope::outside, 1, "", ""},
      {0, 0x80, Scope::self, 0, "", ""},
      {-1, INT32_MIN, Scope::all, -1, "x", "/"},
      {65, INT32_MAX, Scope::init, 1, "init", "/sbin/init"},
  };
  for (const DeliveryContext& d : deliveries) (void)p.records(p.decide_delivery(d));
}

}  // namespace
}  // namespace sigvisor

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sigvisor;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  const std::string origin = "fuzz.json";
  Result<Policy> r = Policy::load_string(json, origin);
  if (!r) {
    const std::string& m = r.error().message;
    require(m.starts_with(origin + ": "), "an error names the file first");
    require(m.find('\n') == std::string::npos, "an error is one line");
    return 0;
  }
  const Policy& p = *r;
  require(!p.name().empty(), "a loaded policy has a name");
  require(p.hash().size() == 64, "the hash is 64 hex digits");
  // The name goes into the JSON "policy" event: dump() throws on invalid UTF-8.
  (void)nlohmann::json{{"name", p.name()}, {"description", p.description()}}.dump();
  (void)p.record();
  (void)p.uses_exe();
  (void)p.forbids_outside();
  decide_all(p);
  return 0;
}
