// The kernel as a witness of signal sends (SendWitness, send_witness.h): a private
// tracefs instance with signal:signal_generate (tracefs_instance.h), its trace_pipe read
// into a bounded store (send_store.h), asked by the stop handlers.
//
// No kernel filter: signal_generate fires in the sender's context, so the instance's
// set_event_pid (which filters on the current task, and follows forks) would drop exactly
// the senders from outside the tree that we need. A filter on the target
// (`pid == A || pid == B ...`) would have to be rewritten on every fork and exit from the
// ptrace thread, is capped by the kernel at one page (~240 pids), and misses a signal
// sent to a new child before its fork event is handled. So every signal of the system is
// recorded, and the tree's are picked out by target tid: a few hundred nanoseconds in the
// kernel per signal, and the parse of one line (figures in docs/performance.md). Sends to
// tasks the table does not know are kept apart, in a small store, so that a machine busy
// with signals (32,000/s seen here while other test suites ran) cannot evict the tree's.
//
// Reading: a thread drains the pipe every 100 ms so the ring buffer does not overflow,
// and every lookup drains it first, synchronously: a send is always in the ring buffer
// before its delivery stop or the death it causes, so a lookup never misses it for being
// early. No wakeup per signal, and nothing on the notify path.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/unique_fd.h"
#include "engine/notify/ktrace/send_store.h"
#include "engine/notify/ktrace/tracefs_instance.h"
#include "engine/notify/send_witness.h"
#include "tasks/process_table.h"

namespace sigvisor {

class Diagnostics;

class KernelTrace final : public SendWitness {
 public:
  static constexpr std::size_t kStrangers = 256;
  // Starts tracing for a run whose tasks `table` knows. An error says why the kernel
  // trace is unavailable (not root, no tracefs, ...).
  static Result<std::unique_ptr<KernelTrace>> start(const ProcessTable& table,
                                                    const Diagnostics& diag);
  // Stops the reader and removes the instance.
  ~KernelTrace() override;
  KernelTrace(const KernelTrace&) = delete;
  KernelTrace& operator=(const KernelTrace&) = delete;

  std::optional<WitnessedSend> take_delivery(pid_t tid, pid_t tgid, int sig, int code) override;
  void drop_delivery(pid_t tid, pid_t tgid, int sig, int code) override;
  std::optional<WitnessedSend> take_sigkill(pid_t tgid) override;
  void forget(pid_t tgid) override;

  struct Stats {
    uint64_t lines = 0;      // lines read from trace_pipe
    uint64_t malformed = 0;  // lines that did not parse
    uint64_t lost = 0;       // events the ring buffer overwrote before we read them
    uint64_t evicted = 0;    // sends the store dropped for room
  };
  Stats stats() const;
  const std::string& instance_dir() const { return instance_.dir(); }

 private:
  KernelTrace(TracefsInstance instance, UniqueFd stop, const ProcessTable& table,
              const Diagnostics& diag);
  void run();
  void drain_locked();
  void ingest_locked(std::string_view line);
  WitnessedSend witnessed(const TraceSend& s) const;

  TracefsInstance instance_;
  UniqueFd stop_;  // eventfd: the reader leaves when it is readable
  const ProcessTable& table_;
  const Diagnostics& diag_;
  mutable std::mutex mu_;
  SendStore store_;                  // sends to tasks of the tree
  SendStore strangers_{kStrangers};  // sends to tasks the table did not know
  std::string partial_;              // a line cut by the end of a read (kept for the next one)
  Stats stats_;
  std::thread reader_;
};

}  // namespace sigvisor
