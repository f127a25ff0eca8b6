// The seam between the stop handlers and a record of signal sends kept outside ptrace —
// today the kernel trace (src/engine/notify/ktrace/): signal:signal_generate fires in the sender's
// context, so it names the sender thread of every signal to the tree, including the two
// ptrace cannot see: SIGKILL (no delivery stop) and the thread (not just the process) of
// a sender. The delivery handler asks it for the send a delivery comes from, the exit
// handler for the SIGKILL that ended a process. A run without it (no root, no tracefs,
// --no-kernel-trace) passes nullptr and attribution stays as ptrace and the intercepted
// calls have it. Unit tests give attribution a fake one.
#pragma once

#include <sys/types.h>

#include <optional>

#include "events/event.h"

namespace sigvisor {

// One send, as the kernel recorded it.
struct WitnessedSend {
  ProcRef sender;           // pid: thread group (0 when the kernel did not say), tid, comm
  bool comm_known = false;  // the kernel (or /proc at read time) gave the sender's name
  int code = 0;             // si_code as generated (SI_USER for kill(), SI_KERNEL for the kernel)
};

class SendWitness {
 public:
  virtual ~SendWitness() = default;
  // The oldest recorded send of `sig` with si_code `code` that a delivery to thread `tid`
  // of thread group `tgid` comes from (sent to that thread, or to the group), removed.
  virtual std::optional<WitnessedSend> take_delivery(pid_t tid, pid_t tgid, int sig, int code) = 0;
  // The same send removed unread, for a delivery whose sender nobody names (the kernel's:
  // SIGCHLD, faults). Naming a send can cost a /proc read (the sender is often dead by
  // then, a SIGCHLD's always): one per spawn, for nothing.
  virtual void drop_delivery(pid_t tid, pid_t tgid, int sig, int code) {
    (void)take_delivery(tid, tgid, sig, code);
  }
  // The first SIGKILL sent to thread group `tgid` or one of its threads, removed.
  virtual std::optional<WitnessedSend> take_sigkill(pid_t tgid) = 0;
  // Process `tgid` is gone: the sends to it and its threads that were never delivered
  // are dropped, so a process that later gets the same id is not given them.
  virtual void forget(pid_t tgid) = 0;
};

}  // namespace sigvisor
