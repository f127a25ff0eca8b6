// Seizing every thread of a running process, as strace's attach does: list
// /proc/PID/task, seize each thread not seen yet, and list again until a pass seizes
// nothing new. Threads started by a thread already seized are traced from birth (the
// PTRACE_O_TRACECLONE auto-attach) and report themselves; only threads started by one
// not seized yet can be missed by a listing, and the next pass finds them. When a pass
// seizes nothing, every thread listed was traced before the listing, so every thread
// started since is traced too. Pure: the listing and the seizing are passed in (unit-tested
// with fakes; attach_source.cc passes /proc and PTRACE_SEIZE).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace sigvisor {

enum class SeizeOutcome : uint8_t {
  seized,  // traced from now on
  ours,    // traced already by us (auto-attached from a seized thread)
  gone,    // exited meanwhile
  failed,  // cannot be traced (another tracer, permissions)
};

struct ThreadSeizing {
  std::vector<pid_t> seized;  // in the order they were seized
  std::vector<pid_t> failed;  // threads that could not be traced
  bool converged = false;     // false: threads kept appearing for `max_passes` passes
};

ThreadSeizing seize_threads(const std::function<std::vector<pid_t>()>& list,
                            const std::function<SeizeOutcome(pid_t)>& seize, int max_passes = 1000);

}  // namespace sigvisor
