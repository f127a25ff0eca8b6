// No process of the tree gets a request more often than natively (docs/ci.md): when the
// sender of a signal to sigvisor also signalled the tree's processes directly (systemd's
// KillMode=control-group signals every process of the cgroup, sigvisor included), the
// copy sigvisor forwards and the sender's own copy are one request, and each process is
// to get one of them. The ledger pairs them by the deliveries the engine sees:
// - a copy sigvisor sent belongs to the newest request it forwarded with that signal;
// - a copy an outside process sent directly belongs to the newest request from that
//   sender with that signal, if it was forwarded within kPairSeconds; one that comes
//   before sigvisor has even read its own copy is noted and joins the request when it is
//   forwarded (within the same kPairSeconds).
// The first copy of a request a process gets is delivered; a second is a duplicate. Where
// the engine can hold a delivery back (the notify engine, at its delivery stop) it
// suppresses duplicates; an engine that cannot skips, when forwarding, the processes the
// ledger already saw reached. Copies from the tree's own processes are never paired.
// Shared by the control thread (forwarded) and the engine's delivery path: thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <deque>
#include <mutex>
#include <string_view>
#include <unordered_set>

namespace sigvisor {

// The rule events name when a second copy of one request is held back.
inline constexpr std::string_view kOneRequestRule = "one-request";

// The clock requests and copies are timed with (CLOCK_MONOTONIC), in seconds.
inline double monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class CopyLedger {
 public:
  static constexpr double kPairSeconds = 2.0;
  static constexpr std::size_t kRequests = 32;
  static constexpr std::size_t kEarlyCopies = 256;

  // Request `id`: `sig` from `sender` (si_pid as sigvisor saw it), forwarded at `when`
  // (seconds, monotonic). Call before sending, so that no delivery comes first.
  void forwarded(uint64_t id, int sig, pid_t sender, double when);
  // A delivery of `sig` to process `tgid`: sent by sigvisor (`from_supervisor`) or by the
  // outside process `sender`. Whether it is the first copy of its request `tgid` gets.
  bool first_copy(pid_t tgid, int sig, bool from_supervisor, pid_t sender, double when);
  // Whether `tgid` already got a copy of request `id`.
  bool reached(uint64_t id, pid_t tgid) const;

 private:
  struct Request {
    uint64_t id;
    int sig;
    pid_t sender;
    double when;
    std::unordered_set<pid_t> reached;
  };
  struct EarlyCopy {
    pid_t tgid;
    int sig;
    pid_t sender;
    double when;
  };
  Request* newest_locked(int sig, const pid_t* sender, double when);

  mutable std::mutex mu_;
  std::deque<Request> requests_;
  std::deque<EarlyCopy> early_;
};

}  // namespace sigvisor
