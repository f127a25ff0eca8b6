// The policy: what sigvisor does with each intercepted call and each delivered signal.
// Loaded once from JSON (DESIGN.md section 5), immutable afterwards, queried from the
// notify and ptrace threads concurrently (decide() is const and allocation-free).
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "model/call_data.h"
#include "model/scope.h"

namespace sigvisor {

enum class Action : uint8_t { allow, log, deny, kill, abort };
std::string_view action_name(Action a);

// Everything a rule may look at for one intercepted syscall.
struct CallContext {
  const CallData* call = nullptr;  // registers and memory snapshot
  int caller_pid = 0;              // thread group id
  int caller_tid = 0;
  std::string_view comm;           // caller's comm
  std::string_view exe;            // caller's executable path ("" if unknown)
  const Target* target = nullptr;  // send family only, else nullptr
};

// Everything a delivery rule may look at for one signal-delivery stop.
struct DeliveryContext {
  int sig = 0;
  int code = 0;  // si_code
  Scope sender_scope = Scope::outside;
  int receiver_pid = 0;
  std::string_view receiver_comm;
  std::string_view receiver_exe;
};

// Which intercepted calls and deliveries produce events ("record" in the policy file).
enum class Record : uint8_t {
  all,     // every call and every delivery (the default)
  denied,  // only those whose action is not allow: log, deny, kill, abort
};
std::string_view record_name(Record r);

// Which terminal the program gets when sigvisor's stdin is one ("terminal" in the policy).
enum class TerminalMode : uint8_t {
  shared,  // sigvisor's own, as natively (the default)
  relay,   // a pseudo-terminal of its own, relayed by sigvisor (terminal/pty_relay.h)
};

struct Decision {
  Action action = Action::allow;
  int err = 0;            // errno for deny (and for kill/abort: what the call returns)
  std::string_view rule;  // name of the matching rule; empty for the default
  bool racy = false;      // the decision depended on tracee memory (TOCTOU), see policy_match.cc
};

// Which syscalls a rule (or the default) could decide with something other than allow:
// what the launch filter must route for the policy's sake (calls/filter_plan.h).
struct CallActions {
  std::bitset<kSysCount> may_refuse;  // deny, kill or abort
  std::bitset<kSysCount> may_log;     // log
};

class Policy {
 public:
  // The built-in policy: the semantics of policies/trace.json (allow and record all).
  static Policy trace_all();
  // Parses and validates; on any problem returns one line naming file, JSON path
  // (and line/column for syntax errors). Never returns a half-loaded policy.
  static Result<Policy> load_file(const std::string& path);
  static Result<Policy> load_string(std::string_view json, const std::string& origin);

  Decision decide(const CallContext& ctx) const;
  Decision decide_delivery(const DeliveryContext& ctx) const;

  const std::string& name() const;
  const std::string& description() const;
  // SHA-256 of the file contents as 64 lowercase hex digits ("builtin" for trace_all).
  const std::string& hash() const;
  Record record() const;
  // Whether `d` produces an event under record(): always for Record::all; for
  // Record::denied only when d.action is not allow (log exists to record a call).
  bool records(const Decision& d) const;
  // True when no rule and not the default can let a send-family call through to a
  // process outside the sandbox (target scopes outside and init; supervisor and all are
  // refused by the built-in rule anyway). Conservative: a rule that might allow such a
  // call makes it false. When true, the kernel backstop (landlock.h) changes nothing the
  // policy allows. See policy_scope_check.cc.
  bool forbids_outside() const;
  // For each action, the syscalls some syscall rule with that action (or the default) can
  // match: each rule's syscall set as its keys narrow it (target: the send, indirect and
  // limit families; blocks: rt_sigprocmask; handler: rt_sigaction; ...). An upper bound:
  // the order of the rules is not followed (an allow rule that shadows a later deny leaves
  // the deny's syscalls in), nor the values of keys beyond the syscalls they apply to
  // (which signals, which callers).
  CallActions call_actions() const;
  // Whether any rule matches on an executable path (exe globs). When none does, the
  // hot path skips looking the caller's executable up.
  bool uses_exe() const;
  // Whether a delivery rule can deny (hold a signal back from its receiver): only an engine
  // that stops each delivery (the notify engine's ptrace) can do that.
  bool delivery_may_deny() const;
  // The policy is meant for untrusted programs: started by root, sigvisor must run the
  // program as another user (--user), since root inside can do what no signal policy sees.
  bool requires_user() const;
  // The terminal the program runs on when stdin is a terminal ("terminal": "relay" for a
  // pseudo-terminal of its own, so that it never holds the user's: no TIOCSTI into the
  // user's shell, whatever the rules say). --pty / --no-pty override it.
  TerminalMode terminal() const;

  Policy(Policy&&) noexcept;
  Policy& operator=(Policy&&) noexcept;
  ~Policy();

 private:
  struct Impl;
  explicit Policy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sigvisor
