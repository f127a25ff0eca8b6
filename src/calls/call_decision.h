// The steps every intercepted call goes through, whichever loop caught it: decide
// (built-in protection first, then the policy), account and record, then enforce the
// follow-ups of kill and abort.
#pragma once

#include "events/event.h"
#include "run/run_state.h"

namespace sigvisor {

inline bool is_refusal(Action a) {
  return a == Action::deny || a == Action::kill || a == Action::abort;
}

// The policy decides; signals to the supervisor itself, and kill(-1) which would reach
// it, are refused with EPERM whatever the policy says (built-in rule
// "protect-supervisor" when the policy would have let them through).
Decision decide_call(const CallContext& ctx, const RunState& sv);

// Counters, SIGKILL bookkeeping, and the event (when -e trace selects it or it was
// refused). `ev` must hold the caller, target and call; retval when known. It takes the
// decision (action, rule, racy) and is copied into the queue only when it is recorded.
void record_call(SyscallEvent& ev, const Decision& d, RunState& sv);

// After the reply went out: kill the caller (kill) or the whole tree (abort).
void enforce(const Decision& d, pid_t caller_tgid, RunState& sv);

}  // namespace sigvisor
