// See events/event_sink.h. seq is assigned under the same lock that orders the queue, so the
// written stream is gapless and in seq order.
#include "events/event_sink.h"

#include <cerrno>
#include <cstring>
#include <iterator>

#include "events/event_json.h"

namespace sigvisor {
namespace {
// Producers wait (the traced program is slowed, nothing is dropped) beyond this many.
constexpr std::size_t kMaxQueued = 1 << 16;
constexpr std::size_t kChunkEvents = 512;
constexpr std::size_t kMaxChunks = kMaxQueued / kChunkEvents;
constexpr std::size_t kMaxSpares = 8;
// The writer wakes on its own at this interval; producers wake it early only when a
// batch is this large. Either way no futex wake-up sits on the per-event hot path.
constexpr auto kWriterPeriod = std::chrono::milliseconds(10);
constexpr std::size_t kWakeBatch = 4096;

std::vector<Event> new_chunk() {
  std::vector<Event> c;
  c.reserve(kChunkEvents);
  return c;
}
}  // namespace

EventSink::EventSink(SinkConfig config)
    : config_(config), start_(std::chrono::steady_clock::now()) {
  queue_.reserve(kMaxChunks);  // the list of chunks itself never grows under the lock
  // Room for ~one writer period at 100k events/s before the first spare is needed.
  for (int i = 0; i < 2; ++i) spares_.push_back(new_chunk());
  writer_ = std::thread([this] { writer_loop(); });
}

EventSink::~EventSink() {
  close();
}

double EventSink::since_start(int64_t mono_ns) const {
  // steady_clock is CLOCK_MONOTONIC on Linux (libstdc++).
  const auto at = std::chrono::steady_clock::time_point(std::chrono::nanoseconds(mono_ns));
  return std::chrono::duration<double>(at - start_).count();
}

double EventSink::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

EventSink::Chunk& EventSink::room_locked(std::unique_lock<std::mutex>& lock) {
  has_space_.wait(lock, [this] { return queued_ < kMaxQueued || closing_; });
  if (queue_.empty() || queue_.back().size() == kChunkEvents) {
    if (spares_.empty()) {
      queue_.push_back(new_chunk());
    } else {
      queue_.push_back(std::move(spares_.back()));
      spares_.pop_back();
    }
  }
  return queue_.back();
}

void EventSink::queued_locked() {
  ++queued_;
  if (writer_idle_ && queued_ >= kWakeBatch) {
    writer_idle_ = false;
    has_work_.notify_one();
  }
}

void EventSink::writer_loop() {
  std::vector<Chunk> batch;
  batch.reserve(kMaxChunks);
  std::string text_buf;
  std::string json_buf;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      while (queue_.empty() && !closing_) {
        writer_idle_ = true;
        has_work_.wait_for(lock, kWriterPeriod);
      }
      writer_idle_ = false;
      if (queue_.empty() && closing_) return;
      if (take_writable_locked(batch) == 0) {
        // The next event waits for its completion (or its deadline): look again shortly.
        has_work_.wait_for(lock, std::chrono::milliseconds(1));
        continue;
      }
      has_space_.notify_all();
    }
    write_batch(batch, text_buf, json_buf);
    for (Chunk& c : batch) c.clear();  // destroys the events outside the lock
    std::lock_guard lock(mu_);
    for (Chunk& c : batch) {
      if (spares_.size() == kMaxSpares) break;
      spares_.push_back(std::move(c));
    }
    batch.clear();
  }
}

std::size_t EventSink::take_writable_locked(std::vector<Chunk>& batch) {
  const auto now = std::chrono::steady_clock::now();
  while (!pending_.empty() && (closing_ || pending_.begin()->second <= now)) {
    pending_.erase(pending_.begin());  // its completion never came: written as it is
  }
  std::size_t taken = 0;
  if (pending_.empty()) {
    for (const Chunk& c : queue_) taken += c.size();
    batch.swap(queue_);
    queued_ = 0;
    return taken;
  }
  const uint64_t first_pending = pending_.begin()->first;
  std::size_t whole = 0;  // chunks wholly before the first pending event
  while (whole < queue_.size() && !queue_[whole].empty() &&
         queue_[whole].back().seq < first_pending) {
    ++whole;
  }
  for (std::size_t i = 0; i < whole; ++i) {
    taken += queue_[i].size();
    batch.push_back(std::move(queue_[i]));
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(whole));
  if (!queue_.empty() && !queue_.front().empty() && queue_.front().front().seq < first_pending) {
    // The chunk that holds it: its events before it go, the rest stays in place.
    Chunk& c = queue_.front();
    const auto n = static_cast<std::ptrdiff_t>(first_pending - c.front().seq);
    Chunk head = new_chunk();
    std::move(c.begin(), c.begin() + n, std::back_inserter(head));
    c.erase(c.begin(), c.begin() + n);
    taken += head.size();
    batch.push_back(std::move(head));
  }
  queued_ -= taken;
  return taken;
}

bool EventSink::complete(uint64_t seq, const std::function<void(EventBody&)>& fill) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(seq);
  if (it == pending_.end()) return false;
  pending_.erase(it);
  for (Chunk& c : queue_) {
    if (c.empty() || seq < c.front().seq || seq > c.back().seq) continue;
    fill(c[static_cast<std::size_t>(seq - c.front().seq)].body);
    break;
  }
  has_work_.notify_one();
  return true;
}

void EventSink::write_batch(const std::vector<Chunk>& batch, std::string& text_buf,
                            std::string& json_buf) {
  text_buf.clear();
  json_buf.clear();
  for (const Chunk& chunk : batch) {
    for (const Event& e : chunk) {
      if (config_.observer) config_.observer(e);
      if (config_.text != nullptr) format_event_text(e, config_.style, text_buf);
      if (config_.json != nullptr) {
        json_buf += event_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        json_buf += '\n';
      }
    }
  }
  auto put = [this](std::FILE* f, const std::string& buf, const char* what) {
    if (f == nullptr || buf.empty()) return;
    if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size() || std::fflush(f) != 0) {
      std::lock_guard lock(mu_);
      if (write_error_.empty()) {
        write_error_ = std::string("writing ") + what + " output: " + std::strerror(errno);
      }
    }
  };
  put(config_.text, text_buf, "text");
  put(config_.json, json_buf, "JSON");
}

void EventSink::close() {
  {
    std::lock_guard lock(mu_);
    if (closing_ && !writer_.joinable()) return;
    closing_ = true;
    has_work_.notify_one();
    has_space_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

std::string EventSink::write_error() const {
  std::lock_guard lock(mu_);
  return write_error_;
}

uint64_t EventSink::recorded() const {
  std::lock_guard lock(mu_);
  return next_seq_;
}

}  // namespace sigvisor
