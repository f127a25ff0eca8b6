// The kernel engine's reader of the ring buffer, on its own thread: woken when enough
// records wait (the programs batch their wake-ups) or every 50 ms, it hands each record to
// the dispatcher, and reports records the kernel dropped (a full buffer) as `dropped`
// events as soon as it sees the count grow. A call decided by sigvisor meanwhile catches up
// first (RecordSource), so the stream keeps the order things happened in.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

#include "base/result.h"
#include "engine/kernel/bpf_programs.h"
#include "engine/kernel/record_dispatch.h"
#include "run/run_state.h"

struct ring_buffer;  // libbpf

namespace sigvisor {

class RecordReader final : public RecordSource {
 public:
  static Result<std::unique_ptr<RecordReader>> open(BpfPrograms& bpf, RecordDispatch& dispatch,
                                                    RunState& sv);
  ~RecordReader() override;
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  void start();
  // Stops the thread, then reads everything the kernel wrote and reports what it dropped.
  void finish();
  // Reads what is waiting (drops are reported by the thread: a count costs a syscall).
  void catch_up() override;
  uint64_t dropped() const { return dropped_; }

 private:
  RecordReader(BpfPrograms& bpf, RecordDispatch& dispatch, RunState& sv)
      : bpf_(bpf), dispatch_(dispatch), sv_(sv) {}
  static int on_record(void* self, void* data, std::size_t size);
  void run();
  void consume_locked();
  void report_drops_locked();

  BpfPrograms& bpf_;
  RecordDispatch& dispatch_;
  RunState& sv_;
  ring_buffer* rb_ = nullptr;
  std::mutex mu_;  // one consumer at a time: the thread, or a caller catching up
  uint64_t dropped_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sigvisor
