// Where no_new_privs must stay on (launcher.h: a non-root caller, or a policy that
// requires --user), an exec of a setuid, setgid or file-capability binary gains nothing.
// The exec event says so ("privileges not gained: no_new_privs (setuid root)"), and one
// line per binary on sigvisor's message stream names the way out. Called by the engine
// right after each exec, for either engine's exec event.
#pragma once

#include <sys/types.h>

#include <string>

#include "run/launcher.h"
#include "kernel/exec_privileges.h"
#include "run/run_state.h"

namespace sigvisor {

inline constexpr const char* kPrivilegesNotGained = "privileges not gained: no_new_privs";

// The note for the exec event of process `pid`, which now runs `path`; "" when the run
// has no no_new_privs or nothing was lost.
std::string exec_note(RunState& sv, pid_t pid, const std::string& path);
// The same from what was recorded at the exec (the kernel engine's exec record).
std::string exec_note(RunState& sv, const ImageFacts& facts, const std::string& path);

// Why no_new_privs is on for a run, with the way out, or "" when it is off
// (needs_no_new_privs() in launcher.h). `policy`: the policy's name.
std::string no_new_privs_reason(bool policy_requires_user, const std::string& policy);

}  // namespace sigvisor
