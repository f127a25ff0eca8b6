// What the notify loop and the ptrace loop share: the table, the policy, the sink, the
// counters, and the few facts and requests that cross threads (abort, kill the tree).
#pragma once

#include <sys/types.h>

#include <csignal>

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>

#include "event_sink.h"
#include "policy/policy.h"
#include "supervise/sender_claims.h"
#include "syscall_table.h"
#include "tasks/process_table.h"

namespace sigvisor {

// Exit status when a policy `abort` ended the run (distinct from 124, timeout, and 126/127).
inline constexpr int kAbortExitStatus = 125;

struct SyscallCounters {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> denied{0};
  std::atomic<uint64_t> nanos{0};  // supervisor time from receive to reply
};

struct RunState {
  ProcessTable& table;
  const Policy& policy;
  EventSink& sink;
  std::bitset<kSysCount> printed;  // -e trace=SET: which syscalls become events
  pid_t root = 0;                  // the launched program
  SenderClaims claims;             // caller-written siginfos sent, awaiting their delivery stop
  bool policy_uses_exe = policy.uses_exe();  // fixed for the run: skip exe lookups if false

  std::array<SyscallCounters, kSysCount> counters{};
  std::atomic<uint64_t> lost_notifications{0};
  // Set by an `abort` decision or a fatal signal to sigvisor: the exit status to use.
  std::atomic<int> abort_status{0};

  void record(EventBody body) {
    sink.record(std::move(body), static_cast<uint32_t>(table.live_tasks()));
  }
  // SIGKILL every process of the tree (stopped ones die too). The launched program's
  // process group first, in one call: otherwise a parent still alive when its child dies
  // could run its SIGCHLD handler (and print, exit...) before its own SIGKILL. A member
  // with SIGKILL pending never returns to user space. The group id is only used while
  // the root is still in the table (not reaped), so it cannot name a recycled group.
  // Processes that left the group (setsid, setpgid) follow one by one.
  void kill_tree() const {
    if (root > 0 && table.find(root)) ::kill(-root, SIGKILL);
    for (pid_t p : table.all_tgids()) ::kill(p, SIGKILL);
  }
};

}  // namespace sigvisor
