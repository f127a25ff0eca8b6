// Events: everything sigvisor reports, as plain data. The loops build them; the sink
// numbers them (gapless seq) and the formatters turn them into text or JSON later,
// off the hot path.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kernel/kernel_features.h"
#include "model/call_data.h"
#include "model/scope.h"
#include "policy/policy.h"

namespace sigvisor {

struct ProcRef {
  pid_t pid = 0;  // thread group id
  pid_t tid = 0;
  Comm comm{};
};

struct SyscallEvent {
  ProcRef caller;
  CallData call;
  std::optional<Target> target;  // send family
  Action action = Action::allow;
  std::string_view rule;    // owned by the Policy, which outlives the sink
  bool racy = false;        // the decision looked at tracee memory
  bool unfinished = false;  // --results: the task died inside the call (no result)
};

// A call through an ABI sigvisor does not decode (an x32 call, an i386 signal call that
// is not routed), refused with ENOSYS at its seccomp stop whatever the policy: a JSON
// `syscall` event with the ABI in "arch", rule "foreign-abi" and the raw arguments.
inline constexpr std::string_view kForeignAbiRule = "foreign-abi";
struct ForeignCallEvent {
  ProcRef caller;
  std::string abi;   // "x32", "i386"
  std::string name;  // the syscall's name on that ABI
  uint64_t nr = 0;   // as the caller passed it (x32: with __X32_SYSCALL_BIT)
  std::array<uint64_t, 6> regs{};
  int err = 0;  // the errno it was refused with
};

struct SignalEvent {
  ProcRef task;                     // the receiving thread
  std::array<uint8_t, 128> info{};  // siginfo as PTRACE_GETSIGINFO returned it
  int sig = 0;
  int code = 0;
  Scope sender_scope = Scope::kernel;
  std::optional<ProcRef> sender;  // known sender (si_pid for kernel-filled codes)
  bool sender_known = false;      // the sender's name came from our table or /proc
  bool sender_tid_known = false;  // sender->tid is the sending thread (kernel trace, or
                                  // the intercepted call of a caller-written siginfo)
  bool forged = false;            // si_pid/si_uid differ from the intercepted caller
  // For caller-written codes (SI_QUEUE, ...): what si_pid/si_uid claimed, and whether the
  // claim was checked against the intercepted call (false: an outside or unseen sender).
  std::optional<std::pair<pid_t, uint32_t>> claimed;
  bool claim_checked = false;
  std::optional<uint32_t> sender_uid;  // the true sender's real uid, when known
  bool suppressed = false;             // a delivery rule kept it from the task
  std::string_view rule;
  // What the kernel did with the send (the kernel engine reads it where the signal is
  // generated): "delivered", or, for a signal no thread will take, "ignored", "pending"
  // (one was pending already) or "overflow" (the queue was full). Empty where only the
  // delivery is seen (the notify engine's stops: delivered).
  std::string_view result;
};

enum class SpawnKind : uint8_t { fork, vfork, clone };

struct SpawnEvent {
  ProcRef parent;
  pid_t child_pid = 0;  // thread group of the new task
  pid_t child_tid = 0;
  SpawnKind kind = SpawnKind::fork;
  bool thread = false;
};

struct ExecEvent {
  ProcRef task;
  std::string path;
  std::vector<std::string> argv;
  // What the exec did not do that it would natively: "privileges not gained:
  // no_new_privs (setuid root)"; empty when nothing (run/exec_note.h).
  std::string note;
};

// Who told us the sender of a SIGKILL: our own interception of the sandbox's kill call,
// or the kernel trace (send_witness.h), which also sees senders outside the tree.
enum class KillerSource : uint8_t { intercepted, kernel };

struct ExitEvent {
  ProcRef task;
  int wait_status = 0;
  bool thread = false;            // a non-leader thread ended
  std::optional<ProcRef> killer;  // for SIGKILL: the task that sent it, when known
  Scope killer_scope = Scope::sandbox;
  KillerSource killer_source = KillerSource::intercepted;
};

// A group stop (job control: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU took effect), as strace
// prints it: `--- stopped by SIGSTOP ---`.
struct StopEvent {
  ProcRef task;
  int sig = 0;
};

// The run's kernel as the policy event records it (stamped by RunState::record, so that
// every engine records it alike): the release, what the kernel can do
// (kernel/kernel_features.h), and the notes that say what a missing feature costs this run.
struct KernelRecord {
  KernelFeatures features;
  std::vector<std::string> notes;
};

struct PolicyEvent {
  std::string name;
  std::string hash;
  std::string source;  // file path or "builtin"
  KernelRecord kernel{};
};

// Which engine runs the trace and why: the one asked for (--engine), or auto's choice.
struct EngineEvent {
  std::string engine;  // "kernel", "notify"
  std::string reason;
};

// Records the kernel engine's programs could not write (the ring buffer was full): the
// kernel cannot wait for sigvisor, so a loss is counted and reported, never silent.
struct DroppedEvent {
  uint64_t count = 0;  // lost since the previous dropped event
  uint64_t total = 0;  // lost in the run so far
};

struct SummaryRow {
  std::string_view syscall;
  uint64_t calls = 0;
  uint64_t errors = 0;
  uint64_t denied = 0;
  double seconds = 0;  // supervisor time spent deciding these calls
};

struct SummaryEvent {
  std::vector<SummaryRow> rows;
  uint64_t lost_notifications = 0;        // notifications that vanished (task killed) before SEND
  uint64_t dropped_records = 0;           // kernel engine: records lost to a full ring buffer
  std::vector<std::string> kernel_notes;  // as in the policy event (stamped alike)
};

using EventBody =
    std::variant<SyscallEvent, ForeignCallEvent, SignalEvent, SpawnEvent, ExecEvent, ExitEvent,
                 StopEvent, PolicyEvent, SummaryEvent, EngineEvent, DroppedEvent>;

struct Event {
  Event() = default;
  // The body built in place from `b` (EventBody or one of its alternatives).
  template <class T>
  Event(uint64_t s, double t, uint32_t n, T&& b)
      : seq(s), ts(t), nprocs(n), body(std::forward<T>(b)) {}

  uint64_t seq = 0;
  double ts = 0;        // seconds since sigvisor started
  uint32_t nprocs = 0;  // live traced tasks when recorded (strace's [pid N] prefix rule)
  EventBody body;
};

}  // namespace sigvisor
