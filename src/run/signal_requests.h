// What a signal to sigvisor asks of the program (docs/ci.md): each one is a request
// forwarded in the shape it was sent, and a few copies of one act are one request.
// - Shape: a signal sent to sigvisor's process group (a runner's kill(-PGID), a terminal's
//   ^C) reaches the program's process group; one sent to sigvisor's pid (docker stop to
//   PID 1, timeout --foreground) reaches the program's first process only. Where the
//   program would have been natively, there it gets the signal. Which one it was comes
//   from the group witness (group_witness.h).
// - One act, one request: timeout(1) signals its child and then its own group, so one
//   cancellation reaches sigvisor twice, once per shape. Two copies of one signal from
//   one sender, one to the pid and one to the group, within kMergeSeconds, are one
//   request: the group copy widens the first (the processes it did not reach get it).
//   Two copies of the same shape are two requests ("the same one again").
// - Escalation is the program's: every later request is forwarded like the first.
// - The force (as docker compose's): a third ^C from a terminal (SIGINT with si_code
//   SI_KERNEL: the terminal's line discipline sent it) within kForceSeconds of the first
//   ends the tree. Terminal signals are never merged: each key press is one act.
// Pure logic (no kernel), fed by the control loop; unit-tested with hand-made signals.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>

namespace sigvisor {

// One signal sigvisor read (its signalfd's siginfo), with its shape.
struct ReceivedSignal {
  int sig = 0;
  pid_t sender = 0;       // si_pid: 0 for the kernel (a terminal) or outside our pid namespace
  int code = 0;           // si_code: SI_USER (kill), SI_TKILL, SI_KERNEL (a terminal)...
  bool to_group = false;  // sent to sigvisor's process group, not to its pid
  double when = 0;        // seconds, monotonic
};

struct RequestAction {
  enum class Kind : uint8_t {
    forward,  // a new request: `sig` to the program's group (to_group) or first process
    widen,    // request `id`, first sent to the first process, now reaches its group too
    none,     // a copy of a request already forwarded in full
    force,    // the tree is to be ended (the third ^C)
  };
  Kind kind = Kind::none;
  int sig = 0;
  bool to_group = false;
  uint64_t id = 0;  // the request (forward, widen, none)
};

class SignalRequests {
 public:
  static constexpr double kMergeSeconds = 2.0;
  static constexpr double kForceSeconds = 5.0;
  static constexpr int kForceCount = 3;

  RequestAction on_signal(const ReceivedSignal& s);
  // An id for a request of sigvisor's own (--timeout), distinct from every other.
  uint64_t new_id() { return next_id_++; }

 private:
  struct Request {
    uint64_t id;
    int sig;
    pid_t sender;
    bool to_group;
    bool merged;    // already the union of a pid copy and a group copy
    bool terminal;  // sent by a terminal: never merged
    double when;
  };
  std::deque<Request> recent_;        // the last few requests (merge candidates)
  std::deque<double> terminal_ints_;  // when the last ^C's came
  uint64_t next_id_ = 1;
};

// Whether si_code says the terminal (the kernel) sent it: never merged, counted for the force.
bool from_terminal(int code);

}  // namespace sigvisor
