// The one ordered event stream. Producers (notify and ptrace threads) only number and
// queue an event; a writer thread formats and writes batches, so formatting and I/O stay
// off the hot path and there is no flush per event. The queue is bounded: when the
// writer falls behind, producers wait (the traced program is slowed, nothing is dropped).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <vector>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "event.h"
#include "event_text.h"

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

  // Assigns the next seq and queues the event. Thread-safe; returns the seq.
  uint64_t record(EventBody body, uint32_t nprocs);
  // Writes everything queued, stops the writer and flushes. Idempotent.
  void close();
  // A write failed (disk full, closed pipe): the message names the output; empty if none.
  std::string write_error() const;
  uint64_t recorded() const;

 private:
  void writer_loop();
  void write_batch(std::vector<Event>& batch, std::string& text_buf, std::string& json_buf);

  const SinkConfig config_;
  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mu_;
  std::condition_variable has_work_;
  std::condition_variable has_space_;
  // A vector, swapped with the writer's batch: both keep their capacity, so after the
  // first batches a record() is a copy into reserved space, no allocation (a deque of
  // ~1 KB events allocated a block per event).
  std::vector<Event> queue_;
  uint64_t next_seq_ = 0;
  bool closing_ = false;
  bool writer_idle_ = false;
  std::string write_error_;
  std::thread writer_;
};

}  // namespace sigvisor
