// The kernel backstop for "never signal outside the sandbox": a Landlock domain with
// LANDLOCK_SCOPE_SIGNAL (ABI 6, Linux 6.12+). The supervisor decides first (so events
// still record every attempt); the domain makes the kernel refuse, with EPERM, any
// signal from the tree to a process outside it, whatever reached the kernel unseen or
// was allowed by mistake. The ruleset is built in the supervisor; the launched child
// only enters it (one raw syscall, async-signal-safe).
#pragma once

#include "base/result.h"
#include "base/unique_fd.h"

namespace sigvisor {

// The running kernel's Landlock ABI version; 0 when Landlock is absent or disabled.
int landlock_abi();

// A ruleset that handles no access right and scopes signals. Fails with a one-line
// reason (kernel too old, Landlock disabled) when the kernel cannot do it.
Result<UniqueFd> signal_scope_ruleset();

// In the forked child, after PR_SET_NO_NEW_PRIVS: enter the ruleset's domain.
// Returns 0 or -errno. Async-signal-safe.
int enter_landlock_domain(int ruleset_fd);

}  // namespace sigvisor
