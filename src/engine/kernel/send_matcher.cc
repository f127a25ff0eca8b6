// See send_matcher.h.
#include "engine/kernel/send_matcher.h"

#include <csignal>

namespace sigvisor {

void SendMatcher::push(std::map<Key, std::deque<KernelSend>>& q, Key k, const KernelSend& s) {
  auto& d = q[k];
  if (d.size() >= kMaxPerKey || size_ >= kMaxSends) {
    if (d.empty()) return;  // full elsewhere: this one goes unmatched (named from si_pid)
    d.pop_front();
    --size_;
  }
  d.push_back(s);
  ++size_;
}

std::optional<KernelSend> SendMatcher::pop(std::map<Key, std::deque<KernelSend>>& q, Key k) {
  auto it = q.find(k);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  KernelSend s = it->second.front();
  it->second.pop_front();
  if (it->second.empty()) q.erase(it);
  --size_;
  return s;
}

void SendMatcher::sent(const KernelSend& s) {
  if (s.sig == SIGKILL) {
    sigkills_.emplace(s.target_tgid, s);  // the first one kills; later ones change nothing
    return;
  }
  if (s.group) {
    push(group_, {s.target_tgid, s.sig}, s);
  } else {
    push(thread_, {s.target_tid, s.sig}, s);
  }
}

std::optional<KernelSend> SendMatcher::take(pid_t tid, pid_t tgid, int sig) {
  if (auto s = pop(thread_, {tid, sig})) return s;
  return pop(group_, {tgid, sig});
}

std::optional<KernelSend> SendMatcher::take_fatal(pid_t tgid, int sig) {
  if (auto s = pop(group_, {tgid, sig})) return s;
  for (auto& [key, queue] : thread_) {
    if (key.second == sig && !queue.empty() && queue.front().target_tgid == tgid) {
      return pop(thread_, key);
    }
  }
  return std::nullopt;
}

std::optional<KernelSend> SendMatcher::take_sigkill(pid_t tgid) {
  auto it = sigkills_.find(tgid);
  if (it == sigkills_.end()) return std::nullopt;
  KernelSend s = it->second;
  sigkills_.erase(it);
  return s;
}

void SendMatcher::forget(pid_t tgid) {
  sigkills_.erase(tgid);
  for (auto* q : {&group_, &thread_}) {
    for (auto it = q->begin(); it != q->end();) {
      const bool gone = q == &group_
                            ? it->first.first == tgid
                            : !it->second.empty() && it->second.front().target_tgid == tgid;
      if (gone) {
        size_ -= it->second.size();
        it = q->erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace sigvisor
