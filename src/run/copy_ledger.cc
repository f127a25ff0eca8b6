// See copy_ledger.h.
#include "run/copy_ledger.h"

namespace sigvisor {

// The newest request with `sig` (and from `sender`, if given: then only one forwarded
// within kPairSeconds of `when`, before or after).
CopyLedger::Request* CopyLedger::newest_locked(int sig, const pid_t* sender, double when) {
  for (auto it = requests_.rbegin(); it != requests_.rend(); ++it) {
    if (it->sig != sig) continue;
    if (sender == nullptr) return &*it;
    if (it->sender != *sender) continue;
    const double apart = when > it->when ? when - it->when : it->when - when;
    return apart <= kPairSeconds ? &*it : nullptr;
  }
  return nullptr;
}

void CopyLedger::forwarded(uint64_t id, int sig, pid_t sender, double when) {
  std::lock_guard lock(mu_);
  Request* r = nullptr;
  for (Request& q : requests_) {
    if (q.id == id) r = &q;  // a request widened: the same one
  }
  if (r == nullptr) {
    requests_.push_back(Request{id, sig, sender, when, {}});
    if (requests_.size() > kRequests) requests_.pop_front();
    r = &requests_.back();
  }
  // Direct copies from the same sender that came first join it.
  for (auto it = early_.begin(); it != early_.end();) {
    if (it->sig == sig && it->sender == sender && when - it->when <= kPairSeconds) {
      r->reached.insert(it->tgid);
      it = early_.erase(it);
    } else {
      ++it;
    }
  }
}

bool CopyLedger::first_copy(pid_t tgid, int sig, bool from_supervisor, pid_t sender, double when) {
  std::lock_guard lock(mu_);
  Request* r = newest_locked(sig, from_supervisor ? nullptr : &sender, when);
  if (r == nullptr) {
    if (!from_supervisor) {
      // Maybe sigvisor's own copy of the same act is still on its way.
      while (!early_.empty() &&
             (early_.size() >= kEarlyCopies || when - early_.front().when > kPairSeconds)) {
        early_.pop_front();
      }
      early_.push_back(EarlyCopy{tgid, sig, sender, when});
    }
    return true;
  }
  return r->reached.insert(tgid).second;
}

bool CopyLedger::reached(uint64_t id, pid_t tgid) const {
  std::lock_guard lock(mu_);
  for (const Request& q : requests_) {
    if (q.id == id) return q.reached.count(tgid) != 0;
  }
  return false;
}

}  // namespace sigvisor
