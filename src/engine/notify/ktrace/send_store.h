// The kernel trace's memory of recent sends, until a delivery stop or a SIGKILL death
// asks for them. Keyed by (target thread, signal); each key keeps its sends oldest first,
// which is the order the kernel queues them in.
//
// Bounded: at most `capacity` sends, the oldest evicted first. Sends that never get a
// delivery stop (signals taken by sigwaitinfo or a signalfd, ignored or blocked-then-
// discarded ones, signals to processes outside the tree: the trace is not filtered in
// the kernel, see kernel_trace.h) are never taken, so eviction is what bounds them; a
// task's leftovers are dropped when it exits (forget), before its id can be reused.
// Not thread-safe: KernelTrace holds it under its lock.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

#include "engine/notify/ktrace/trace_line.h"

namespace sigvisor {

class SendStore {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;
  explicit SendStore(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Keeps a send that queued a signal (queues_signal(s.result)); `target_tgid` is the
  // target's thread group when known (0: not a task of the tree, or not known yet).
  void add(const TraceSend& s, pid_t target_tgid);
  // The oldest send of `sig` with `code` to thread `tid`, or to its group `tgid`, removed.
  std::optional<TraceSend> take_delivery(pid_t tid, pid_t tgid, int sig, int code);
  // The oldest SIGKILL to thread group `tgid` or to one of its threads, removed.
  std::optional<TraceSend> take_sigkill(pid_t tgid);
  // Drops every send to process `tgid` and its threads (it is gone).
  void forget(pid_t tgid);

  std::size_t size() const { return size_; }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    TraceSend send;
    pid_t target_tgid = 0;
    uint64_t seq = 0;
  };
  using Key = uint64_t;
  static Key key(pid_t tid, int sig) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(tid)) << 8) | static_cast<uint8_t>(sig);
  }
  // The position of the oldest entry under `k` that `match` accepts.
  template <typename Match>
  std::optional<std::pair<Key, std::size_t>> oldest(Key k, Match match) const;
  TraceSend remove(std::pair<Key, std::size_t> at);
  void evict_oldest();
  void compact_order();

  const std::size_t capacity_;
  std::unordered_map<Key, std::deque<Entry>> by_key_;
  std::deque<std::pair<Key, uint64_t>> order_;  // insertion order; stale once taken
  std::size_t size_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t evicted_ = 0;
};

}  // namespace sigvisor
