// --user USER[:GROUP]: the user (and group, and that user's supplementary groups) the
// program runs as, as strace -u does. Resolved by name or number in sigvisor before
// launch; applied in the launched child before exec with async-signal-safe calls only.
// Root inside the sandbox can do what no signal policy sees (cgroup.kill, ptrace, ...):
// policies marked "require_user" refuse to run under root without it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace sigvisor {

struct RunAs {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups (the user's, from the group database)
  std::string name;           // for messages
};

// "alice", "alice:staff", "1000", "1000:1000". A user name gives its primary group and its
// supplementary groups; a bare uid gives gid = uid's primary group if it has an entry,
// else the uid itself, and no supplementary groups.
Result<RunAs> resolve_run_as(const std::string& spec);

// In the launched child: setgroups, setgid, setuid, then checks that no capability is
// left. Returns 0, or -errno with `step` naming the call that failed.
int apply_run_as(const RunAs& r, const char** step);

}  // namespace sigvisor
