// See signal_requests.h.
#include "run/signal_requests.h"

#include <csignal>

namespace sigvisor {
namespace {

// Requests kept as merge candidates; older ones are past kMergeSeconds in any real run.
constexpr std::size_t kKeep = 16;

}  // namespace

bool from_terminal(int code) {
  return code == SI_KERNEL;
}

RequestAction SignalRequests::on_signal(const ReceivedSignal& s) {
  RequestAction a;
  a.sig = s.sig;
  if (from_terminal(s.code) && s.sig == SIGINT) {
    while (!terminal_ints_.empty() && s.when - terminal_ints_.front() > kForceSeconds) {
      terminal_ints_.pop_front();
    }
    terminal_ints_.push_back(s.when);
    if (static_cast<int>(terminal_ints_.size()) >= kForceCount) {
      a.kind = RequestAction::Kind::force;
      return a;
    }
  }
  if (!from_terminal(s.code)) {
    // The other half of one act: same sender, same signal, the other shape, recent.
    // Only the newest request of this sender and signal can be completed; a copy of the
    // same shape as it, or one that comes too late, is a new request.
    auto it = recent_.rbegin();
    while (it != recent_.rend() && (it->sig != s.sig || it->sender != s.sender || it->terminal)) {
      ++it;
    }
    if (it != recent_.rend() && !it->merged && it->to_group != s.to_group &&
        s.when - it->when <= kMergeSeconds) {
      it->merged = true;
      a.id = it->id;
      a.to_group = true;
      // A pid copy first, its group copy now: the rest of the group still needs it. A
      // group copy first: it already reached the first process.
      a.kind = s.to_group ? RequestAction::Kind::widen : RequestAction::Kind::none;
      it->to_group = true;
      return a;
    }
  }
  a.kind = RequestAction::Kind::forward;
  a.to_group = s.to_group;
  a.id = next_id_++;
  recent_.push_back(
      Request{a.id, s.sig, s.sender, s.to_group, false, from_terminal(s.code), s.when});
  if (recent_.size() > kKeep) recent_.pop_front();
  return a;
}

}  // namespace sigvisor
