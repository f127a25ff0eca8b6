// The one ordered event stream. Producers (notify and ptrace threads) only number and
// queue an event; a writer thread formats and writes batches, so formatting and I/O stay
// off the hot path and there is no flush per event. The queue is bounded: when the
// writer falls behind, producers wait (the traced program is slowed, nothing is dropped).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/event.h"
#include "events/event_text.h"

namespace sigvisor {

struct SinkConfig {
  std::FILE* text = nullptr;  // strace-style lines, or nullptr
  TextStyle style;
  std::FILE* json = nullptr;  // JSON Lines, or nullptr
  // Called by the writer thread for every event, in seq order (e.g. the --graph builder).
  std::function<void(const Event&)> observer;
};

class EventSink {
 public:
  explicit EventSink(SinkConfig config);
  ~EventSink();
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;

  // Assigns the next seq and queues the event. Thread-safe; returns the seq. `T` is
  // EventBody or one of its alternatives, built in place in the queue: a syscall event is
  // ~1 KB, and each copy on the per-call path shows.
  template <class T>
  uint64_t record(T&& body, uint32_t nprocs) {
    return record_at(std::forward<T>(body), nprocs, elapsed());
  }
  // As record(), with the event's own time in seconds since the sink started (a record
  // the kernel made earlier: since_start() of its CLOCK_MONOTONIC time).
  template <class T>
  uint64_t record_at(T&& body, uint32_t nprocs, double ts) {
    std::unique_lock lock(mu_);
    Chunk& chunk = room_locked(lock);
    const uint64_t seq = next_seq_++;
    chunk.emplace_back(seq, ts, nprocs, std::forward<T>(body));
    queued_locked();
    return seq;
  }
  // Queues an event whose last details come later (a decided call's result, which the
  // kernel engine reads when the call returns): it has its seq and place in the stream now,
  // and complete() fills it in. Nothing after a pending event is written before it is
  // complete, or before `wait_at_most` passed (then it is written as it is).
  template <class T>
  uint64_t record_pending(T&& body, uint32_t nprocs, std::chrono::milliseconds wait_at_most) {
    const double ts = elapsed();
    std::unique_lock lock(mu_);
    Chunk& chunk = room_locked(lock);
    const uint64_t seq = next_seq_++;
    chunk.emplace_back(seq, ts, nprocs, std::forward<T>(body));
    pending_.emplace(seq, std::chrono::steady_clock::now() + wait_at_most);
    queued_locked();
    return seq;
  }
  // Completes pending event `seq`: `fill` runs on its body under the sink's lock. False
  // when it is no longer pending (written as it was, after its wait ran out).
  bool complete(uint64_t seq, const std::function<void(EventBody&)>& fill);
  // Writes everything queued, stops the writer and flushes. Idempotent.
  void close();
  // A write failed (disk full, closed pipe): the message names the output; empty if none.
  std::string write_error() const;
  uint64_t recorded() const;
  // Seconds from the sink's start to `mono_ns` (CLOCK_MONOTONIC, as bpf_ktime_get_ns()).
  double since_start(int64_t mono_ns) const;

 private:
  using Chunk = std::vector<Event>;
  double elapsed() const;
  // Waits for room (the queue is bounded), returns the chunk the next event goes to.
  Chunk& room_locked(std::unique_lock<std::mutex>& lock);
  // Counts the event just queued; wakes the writer when a batch is due.
  void queued_locked();
  void writer_loop();
  // Moves into `batch` what may be written now: everything, or what comes before the first
  // event still pending. Returns how many events it moved.
  std::size_t take_writable_locked(std::vector<Chunk>& batch);
  void write_batch(const std::vector<Chunk>& batch, std::string& text_buf, std::string& json_buf);

  const SinkConfig config_;
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mu_;
  std::condition_variable has_work_;
  std::condition_variable has_space_;
  // Events wait in fixed-size chunks (capacity kChunkEvents), swapped out whole by the
  // writer. Growing the queue never moves a queued event: one vector doubling under the
  // lock stalled every producer ~5 ms once 32k events (~1 KB each) had to move. Chunks the
  // writer has emptied come back as spares, so the steady state allocates nothing; at
  // most kMaxSpares are kept, so a burst does not pin its memory for the rest of the run.
  std::vector<Chunk> queue_;  // in seq order; only the last chunk may have room
  // Events waiting for complete(), by seq, with the time after which they go as they are.
  std::map<uint64_t, std::chrono::steady_clock::time_point> pending_;
  std::vector<Chunk> spares_;
  std::size_t queued_ = 0;
  uint64_t next_seq_ = 0;
  bool closing_ = false;
  bool writer_idle_ = false;
  std::string write_error_;
  std::thread writer_;
};

}  // namespace sigvisor
