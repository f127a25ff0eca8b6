// See send_store.h.
#include "engine/notify/ktrace/send_store.h"

#include <algorithm>
#include <csignal>
#include <vector>

namespace sigvisor {

template <typename Match>
std::optional<std::pair<SendStore::Key, std::size_t>> SendStore::oldest(Key k, Match match) const {
  auto it = by_key_.find(k);
  if (it == by_key_.end()) return std::nullopt;
  for (std::size_t i = 0; i < it->second.size(); ++i) {
    if (match(it->second[i])) return std::make_pair(k, i);
  }
  return std::nullopt;
}

TraceSend SendStore::remove(std::pair<Key, std::size_t> at) {
  auto it = by_key_.find(at.first);
  auto& q = it->second;
  TraceSend s = q[at.second].send;
  q.erase(q.begin() + static_cast<std::ptrdiff_t>(at.second));
  if (q.empty()) by_key_.erase(it);
  --size_;
  return s;
}

void SendStore::add(const TraceSend& s, pid_t target_tgid) {
  if (!queues_signal(s.result) || capacity_ == 0) return;
  if (size_ >= capacity_) evict_oldest();
  const Key k = key(s.target, s.sig);
  by_key_[k].push_back(Entry{s, target_tgid, next_seq_});
  order_.emplace_back(k, next_seq_);
  ++next_seq_;
  ++size_;
  // Taken sends leave stale records in order_: rebuild it before it outgrows the store.
  if (order_.size() > 2 * capacity_ + 64) compact_order();
}

void SendStore::evict_oldest() {
  while (!order_.empty()) {
    auto [k, seq] = order_.front();
    order_.pop_front();
    auto it = by_key_.find(k);
    // Entries under a key are in seq order, and older records were popped first: the
    // record is live exactly when it is the key's front.
    if (it == by_key_.end() || it->second.front().seq != seq) continue;
    it->second.pop_front();
    if (it->second.empty()) by_key_.erase(it);
    --size_;
    ++evicted_;
    return;
  }
}

void SendStore::compact_order() {
  std::vector<std::pair<uint64_t, Key>> live;
  live.reserve(size_);
  for (const auto& [k, q] : by_key_) {
    for (const Entry& e : q) live.emplace_back(e.seq, k);
  }
  std::sort(live.begin(), live.end());
  order_.clear();
  for (const auto& [seq, k] : live) order_.emplace_back(k, seq);
}

std::optional<TraceSend> SendStore::take_delivery(pid_t tid, pid_t tgid, int sig, int code) {
  auto same_code = [code](const Entry& e) { return e.send.code == code; };
  auto to_group = [code](const Entry& e) { return e.send.code == code && e.send.group; };
  auto a = oldest(key(tid, sig), same_code);
  auto b = tgid != tid ? oldest(key(tgid, sig), to_group) : std::nullopt;
  if (a && b) {
    const auto seq_of = [this](std::pair<Key, std::size_t> at) {
      return by_key_.at(at.first)[at.second].seq;
    };
    return remove(seq_of(*a) < seq_of(*b) ? *a : *b);
  }
  if (a || b) return remove(a ? *a : *b);
  // A group signal aimed at another thread of the group (kill(other_tid)) may be taken
  // by this one: rare, so a scan.
  std::optional<std::pair<Key, std::size_t>> best;
  uint64_t best_seq = 0;
  for (const auto& [k, q] : by_key_) {
    if ((k & 0xff) != static_cast<Key>(sig)) continue;
    for (std::size_t i = 0; i < q.size(); ++i) {
      const Entry& e = q[i];
      if (e.target_tgid == tgid && to_group(e) && (!best || e.seq < best_seq)) {
        best = std::make_pair(k, i);
        best_seq = e.seq;
        break;
      }
    }
  }
  if (best) return remove(*best);
  return std::nullopt;
}

std::optional<TraceSend> SendStore::take_sigkill(pid_t tgid) {
  if (auto at = oldest(key(tgid, SIGKILL), [](const Entry&) { return true; })) return remove(*at);
  // tgkill(tgid, tid, SIGKILL) to another thread kills the group too.
  std::optional<std::pair<Key, std::size_t>> best;
  uint64_t best_seq = 0;
  for (const auto& [k, q] : by_key_) {
    if ((k & 0xff) != static_cast<Key>(SIGKILL) || q.front().target_tgid != tgid) continue;
    if (!best || q.front().seq < best_seq) {
      best = std::make_pair(k, std::size_t{0});
      best_seq = q.front().seq;
    }
  }
  if (best) return remove(*best);
  return std::nullopt;
}

void SendStore::forget(pid_t tgid) {
  for (auto it = by_key_.begin(); it != by_key_.end();) {
    const auto tid = static_cast<pid_t>(it->first >> 8);
    if (tid == tgid || it->second.front().target_tgid == tgid) {
      size_ -= it->second.size();
      it = by_key_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sigvisor
