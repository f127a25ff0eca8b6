// One line of a tracefs instance's trace_pipe, in the text form the kernel prints for
// signal:signal_generate with the record-tgid option on:
//
//   kill-4242    (   4242) [001] d..1.  1824.864983: signal_generate: sig=9 errno=0
//       code=0 comm=sleep pid=4240 grp=1 res=0              (one line in the pipe)
//
// The part before the event name is the *current* task — the sender, since the event
// fires in the sender's context — as comm-tid, its tgid (`(-------)` when the kernel did
// not record it; absent without record-tgid), the cpu, the flags and the timestamp. Only
// the tid is recorded with the event: the comm and tgid are looked up when the line is
// read, in caches the kernel fills lazily (sender_naming.h says when to believe them). The
// fields after it describe the target. Both comms may hold spaces, dashes and brackets
// (a comm is whatever a task set), so the parser anchors on what a comm cannot change:
// the last `[cpu]` before the event name, and the fixed tail ` pid=N grp=N res=N`.
// The ring buffer also reports lost events as `CPU:1 [LOST 12 EVENTS]`.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "model/scope.h"

namespace sigvisor {

// A signal_generate event.
struct TraceSend {
  pid_t sender_tid = 0;
  pid_t sender_tgid = 0;  // 0: not recorded by the kernel
  Comm sender_comm{};     // empty when the kernel printed "<...>" (name not cached)
  double ts = 0;          // seconds on the instance's trace clock (the default, "local")
  int sig = 0;
  int err = 0;
  int code = 0;  // si_code (SI_USER for kill(), SI_KERNEL for the kernel's own)
  Comm target_comm{};
  pid_t target = 0;    // the task the signal was sent to (a thread id)
  bool group = false;  // sent to the thread group (kill) rather than the thread (tgkill)
  int result = 0;      // TRACE_SIGNAL_*: 0 delivered, 1 ignored, 2 already pending, ...
};

// `CPU:N [LOST K EVENTS]`: the ring buffer overwrote K events nobody had read.
struct TraceLost {
  uint64_t events = 0;
};

using TraceRecord = std::variant<TraceSend, TraceLost>;

// The record a line holds, or why it holds none (another event, a malformed line).
Result<TraceRecord> parse_trace_line(std::string_view line);

// Results of signal_generate that queue a signal (TRACE_SIGNAL_DELIVERED and
// TRACE_SIGNAL_LOSE_INFO); the others (ignored, already pending, queue overflow) make no
// delivery of their own.
inline bool queues_signal(int result) {
  return result == 0 || result == 4;
}

}  // namespace sigvisor
