// Tells a signal sent to sigvisor's process group from one sent to its pid. siginfo does
// not say (kill(pid) and kill(-pgid) both give SI_USER and the sender), and the kernel's
// trace, which needs root, names each receiver but not how it was aimed. So sigvisor keeps
// a witness: a small process of its own (forked before the program, so sigvisor's, not
// the tree's) that stays in sigvisor's process group and holds SIGINT, SIGTERM, SIGHUP
// and SIGQUIT blocked. A signal to the group reaches it; one to sigvisor's pid does not.
//
// Why the witness's copy is there by the time sigvisor reads its own: the kernel signals
// a process group (kill(-pgid), a terminal's ^C) in one pass over the group's members
// under tasklist_lock, newest member first (attach_pid adds at the head of the list), and
// the witness joined the group after sigvisor. So when sigvisor has its copy, the
// witness already has its one. Asked (a byte on a socket), the witness takes what is
// pending (sigtimedwait, no wait) and answers with each signal's sender and si_code.
//
// Everything else is ignored by the witness (it never stops on ^Z, never dies of a stray
// signal); it closes every descriptor but its socket, dies with sigvisor (its socket
// reads end-of-file; PR_SET_PDEATHSIG too), and is scope `supervisor` to the policy (the
// program cannot signal it). Signals to the group while sigvisor is gone are moot.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace sigvisor {

struct WitnessedCopy {
  int sig = 0;
  pid_t sender = 0;
  int code = 0;
};

class GroupWitness {
 public:
  // Forks the witness into sigvisor's process group. Call before the program is started
  // and before any thread: the child runs async-signal-safe code only.
  static Result<GroupWitness> start();
  GroupWitness() = default;
  GroupWitness(GroupWitness&& o) noexcept;
  GroupWitness& operator=(GroupWitness&& o) noexcept;
  ~GroupWitness();

  pid_t pid() const { return pid_; }
  // Whether a copy of `sig` from `sender` (si_code `code`) reached the group as well:
  // asks the witness for what it holds now and keeps what it did not match for later
  // asks. Unknown (the witness is gone or does not answer within a few seconds): true,
  // the group, as dumb-init forwards.
  bool reached_group(int sig, pid_t sender, int code);
  // The run is over for the witness: it exits (reaped by whoever waits for sigvisor's
  // children, or by the destructor). Thread-safe against reached_group.
  void stop();

 private:
  GroupWitness(pid_t pid, UniqueFd sock, UniqueFd pidfd)
      : pid_(pid), sock_(std::move(sock)), pidfd_(std::move(pidfd)) {}
  bool ask();
  void end();

  struct Held {
    WitnessedCopy copy;
    double when;  // monotonic seconds it was taken from the witness
  };
  pid_t pid_ = 0;
  UniqueFd sock_;
  UniqueFd pidfd_;  // to reap or kill it without naming a reused pid
  std::vector<Held> held_;
};

// The signals the witness holds for sigvisor (those sigvisor forwards to the program).
bool witnessed_signal(int sig);

}  // namespace sigvisor
