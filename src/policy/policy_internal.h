// The compiled form of a policy, shared by the parser (policy_parse.cc), the load-time
// safety checks (policy_check.cc) and the matcher (policy_match.cc). Not part of the
// public interface: everything outside src/policy/ goes through policy.h.
//
// Rules are compiled into fixed-size sets so that matching is a handful of bit tests:
// syscalls as a bitmask over Sys, signals as a bitset over 0..64, scopes as a bitmask
// over Scope, handlers as a bitmask over {default, ignore, catch}. Only si_code lists and
// comm/exe globs are variable-sized; they are built at load time and only read afterwards.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/scope.h"
#include "names/signal_names.h"
#include "names/syscall_table.h"
#include "policy/policy.h"

namespace sigvisor {
namespace policy_internal {

using SigBits = std::bitset<kMaxSignal + 1>;  // bit n: signal n (0 is kill's probe)

inline constexpr uint32_t sys_bit(Sys s) {
  return uint32_t{1} << static_cast<unsigned>(s);
}
inline constexpr uint32_t kAllSys = (uint32_t{1} << kSysCount) - 1;
static_assert(kSysCount <= 32, "syscall bitmask is a uint32_t");

inline constexpr uint16_t scope_bit(Scope s) {
  return static_cast<uint16_t>(1u << static_cast<unsigned>(s));
}
static_assert(kScopeCount <= 16, "scope bitmask is a uint16_t");

// The bit of an intercepted command in CompiledRule::command_mask (0 for none).
inline uint32_t command_bit(const IndirectCommand* c) {
  if (c == nullptr) return 0;
  return uint32_t{1} << static_cast<unsigned>(c - indirect_commands().data());
}

enum HandlerBit : uint8_t { kHandlerDefault = 1, kHandlerIgnore = 2, kHandlerCatch = 4 };

struct CompiledRule {
  std::string name;
  std::string path;  // "rules[3]": where it is in the file, for load-time messages
  Action action = Action::allow;
  int err = 0;  // errno returned for deny/kill/abort
  bool delivery = false;

  // Register (and process-table) keys. An absent key matches everything.
  uint32_t sys_mask = kAllSys;  // effective: also narrowed by the keys that imply syscalls
  bool has_sig = false;
  SigBits sigs;
  uint16_t scope_mask = 0;    // target scopes (syscall rules) or sender scopes (delivery); 0: any
  uint32_t command_mask = 0;  // bit i: indirect_commands()[i] (ioctl TIOCSTI, ...); 0: any
  std::vector<std::string> comm_globs;
  std::vector<std::string> exe_globs;

  // Keys that read tracee memory (syscall rules); `code` is kernel data for deliveries.
  bool has_code = false;
  std::vector<SiCode> codes;
  bool has_blocks = false;
  uint64_t blocks = 0;       // bit n-1: signal n
  uint8_t handler_mask = 0;  // HandlerBit set; 0: key absent
  std::string memory_key;    // first memory key in file order ("code", ...); empty if none
};

// Argument positions found in the syscall table at load time (-1: the syscall has none).
struct ArgIndex {
  std::array<int8_t, kSysCount> sig{};
  std::array<int8_t, kSysCount> info{};                 // Arg::siginfo_in
  int8_t mask_how = -1, mask_set = -1, mask_size = -1;  // rt_sigprocmask
  int8_t action_act = -1;                               // rt_sigaction
};
ArgIndex make_arg_index();

struct CompiledPolicy {
  std::string name;
  std::string description;
  std::string hash;
  Action default_action = Action::allow;
  int default_err = 0;
  Record record = Record::all;
  bool require_user = false;  // root must run the program as another user (--user)
  TerminalMode terminal = TerminalMode::shared;  // "terminal": its own relayed pty or ours
  std::vector<CompiledRule> syscall_rules;       // in file order
  std::vector<CompiledRule> delivery_rules;      // in file order
  ArgIndex args = make_arg_index();
};

// "<origin>: <path>: <problem>", with "$" for the document itself.
Error policy_error(const std::string& origin, std::string_view path, std::string_view problem);

// Text → validated CompiledPolicy (everything but the hash and the TOCTOU check); this
// includes refusing rules whose keys exclude every syscall.
Result<CompiledPolicy> parse_policy(std::string_view text, const std::string& origin);
// Load-time TOCTOU check: no rule may let a call through because of tracee memory.
Status check_policy(const CompiledPolicy& p, const std::string& origin);

Decision decide_call(const CompiledPolicy& p, const CallContext& ctx);
Decision decide_delivery(const CompiledPolicy& p, const DeliveryContext& ctx);

}  // namespace policy_internal

struct Policy::Impl {
  policy_internal::CompiledPolicy p;
};

}  // namespace sigvisor
