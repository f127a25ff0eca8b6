// What every part of a run shares: the task table, the policy, the sink, the counters,
// the kernel view, the tree control, the diagnostics, and the one fact that crosses
// threads (the run was ended early, and with which exit status).
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <string>

#include "base/diagnostics.h"
#include "events/event_sink.h"
#include "names/syscall_table.h"
#include "policy/policy.h"
#include "run/copy_ledger.h"
#include "run/group_witness.h"
#include "run/kernel_notes.h"
#include "run/kernel_view.h"
#include "run/sender_claims.h"
#include "run/tree_control.h"
#include "tasks/process_table.h"

namespace sigvisor {

class JobControl;

// See RunState::results.
class CallResults {
 public:
  virtual ~CallResults() = default;
  // Allowed call `ev`, decided here, goes on; the engine will see it return. When
  // `record`, it is recorded now and completed with its result and out-parameters then;
  // either way the engine knows its return belongs to a decided call. False when its return
  // is not seen (the caller records the call as it is).
  virtual bool await_result(const SyscallEvent& ev, bool record) = 0;
};

// See RunState::earlier_records.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // Records, now, every event that happened before this call.
  virtual void catch_up() = 0;
};

// Exit status when a policy `abort` ended the run (distinct from 124, timeout, and 126/127).
inline constexpr int kAbortExitStatus = 125;

struct SyscallCounters {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> denied{0};
  std::atomic<uint64_t> nanos{0};  // supervisor time from receive to reply
};

// The parts a run is made of, owned by whoever starts the run (supervisor.cc, or a test).
struct RunParts {
  ProcessTable& table;
  const Policy& policy;
  EventSink& sink;
  KernelView& kernel;
  TreeControl& tree;
  Diagnostics& diag;
};

struct RunState : RunParts {
  RunState(const RunParts& p, std::bitset<kSysCount> printed_set, pid_t root_pid)
      : RunParts(p), printed(printed_set), root(root_pid) {}

  const std::bitset<kSysCount> printed;  // -e trace=SET: which syscalls become events
  const pid_t root;                      // the launched program
  SenderClaims claims;  // caller-written siginfos sent, awaiting their delivery stop
  const bool policy_uses_exe = policy.uses_exe();  // fixed: skip exe lookups if false
  // -c: calls are timed for the summary's seconds column (two clock reads per call that
  // nothing else needs).
  bool timed = false;

  // The job-control proxy (job_control.h), when the front end has a job to proxy.
  JobControl* job = nullptr;
  // What tells a signal to sigvisor's group from one to its pid (launch only; none in
  // attach mode, where such a signal lets go of the tree).
  GroupWitness* witness = nullptr;
  // Pairs the copies of one request each process gets (copy_ledger.h).
  CopyLedger copies;
  // Why the program runs with no_new_privs (launcher.h), or empty: its execs of setuid
  // or file-capability binaries then gain nothing, which their exec events say.
  std::string no_new_privs_why;

  // What the kernel can do, probed once as the run starts, before any thread reaps
  // children (kernel_features.h: one probe waits for a child of its own); the notes
  // that say what it costs this run; the stderr line for a refusal with no backstop.
  const KernelFeatures kernel_features = kernel.features();
  const std::vector<std::string> kernel_notes =
      notes_for(kernel_features, policy.forbids_outside());
  BackstopNote backstop{kernel_features, policy.forbids_outside(), diag};

  std::array<SyscallCounters, kSysCount> counters{};
  std::atomic<uint64_t> lost_notifications{0};
  // RECVs that found no notification (its caller died first): a handful per run. The
  // debug trace reports them; a receiver spinning on an orphaned filter showed there.
  std::atomic<uint64_t> empty_receives{0};

  // `T`: an event (SyscallEvent, ...) or EventBody, moved into the queue in place.
  template <class T>
  void record(T&& body) {
    sink.record(std::forward<T>(body), static_cast<uint32_t>(table.live_tasks()));
  }
  // As record(), at a time the kernel gave (CLOCK_MONOTONIC ns): the kernel engine's records.
  template <class T>
  void record_at(T&& body, int64_t mono_ns) {
    sink.record_at(std::forward<T>(body), static_cast<uint32_t>(table.live_tasks()),
                   sink.since_start(mono_ns));
  }

  // Events the engine keeps elsewhere until it reads them (the kernel engine's ring
  // buffer): caught up with before a call decided here is recorded, so the stream keeps
  // the order in which things happened. nullptr: every event is recorded as it happens.
  RecordSource* earlier_records = nullptr;
  // Brings the table and the stream up to now (the kernel engine's records read so far):
  // before the tree is signalled from its table, so a process born just before is in it.
  void catch_up() {
    if (earlier_records != nullptr) earlier_records->catch_up();
  }
  // Where the result of a call decided here comes from, when the engine learns it later
  // (the kernel engine: the programs record the call's return). nullptr: never.
  CallResults* results = nullptr;
  // The policy and summary events carry the kernel's record, whichever engine made them.
  void record(PolicyEvent&& body) {
    body.kernel = KernelRecord{kernel_features, kernel_notes};
    sink.record(std::move(body), static_cast<uint32_t>(table.live_tasks()));
  }
  void record(SummaryEvent&& body) {
    body.kernel_notes = kernel_notes;
    sink.record(std::move(body), static_cast<uint32_t>(table.live_tasks()));
  }
  // A task the table knows, or one ptrace has not reported yet (a new thread whose first
  // call beat its clone event): asked of /proc once and remembered.
  TaskInfo task(pid_t tid) {
    if (auto t = table.find(tid)) return *t;
    TaskInfo t = kernel.task(tid).value_or(TaskInfo{tid, tid, 0, {}});
    table.add(t);
    return t;
  }
  // The caller's executable, only when the policy matches on it (no copy otherwise).
  std::string exe_for_policy(pid_t tgid) const {
    return policy_uses_exe ? table.exe(tgid) : std::string();
  }

  // Ends the run early (policy abort, timeout, fatal signal to sigvisor) with `status`;
  // the first request wins. The tree is ended at once and again by the control loop
  // until the last process is gone.
  void end_run(int status) {
    set_end_status(status);
    ending_.store(true);
    tree.end_tree();
  }
  // The run will end with `status` whatever the program does (--timeout: 124), unless an
  // earlier request chose another; the tree is not ended by this.
  void set_end_status(int status) {
    int expected = 0;
    end_status_.compare_exchange_strong(expected, status);
  }
  // The status a request to end the run chose, or 0.
  int end_status() const { return end_status_.load(); }
  // Whether the tree is being ended (the control loop then sweeps it until it is gone).
  bool ending() const { return ending_.load(); }

  // The engine saw the program's first process end. Its other processes are left behind,
  // and sigvisor cannot leave them unsupervised. With no cancellation under way (a job
  // that leaves a daemon behind) they are killed at once; so they are when sigvisor is
  // PID 1, as the kernel kills a pid namespace whose first process ends. While a
  // cancellation is under way (a signal passed on, --timeout's signal sent) they act on
  // it as they would natively, and --kill-after (or the runner's own escalation) ends
  // what stays. The run's status stays the program's. Attach mode lets go instead.
  void program_exited() {
    if (witness != nullptr) witness->stop();
    if (tree.lets_go() || table.live_tasks() == 0) return;
    if (cancelling_.load() && getpid() != 1) return;
    end_left_behind();
  }
  // Kills what the program left behind (its first process is gone).
  void end_left_behind() {
    left_behind_.store(true);
    ending_.store(true);
    tree.end_tree();
  }
  // A signal was sent to the tree on the user's behalf (passed on, --timeout).
  void note_cancelling() { cancelling_.store(true); }
  // Whether processes were left behind by the program (and killed).
  bool left_behind() const { return left_behind_.load(); }

 private:
  std::atomic<int> end_status_{0};
  std::atomic<bool> ending_{false};
  std::atomic<bool> left_behind_{false};
  std::atomic<bool> cancelling_{false};
};

}  // namespace sigvisor
