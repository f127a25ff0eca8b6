// What every part of a run shares: the task table, the policy, the sink, the counters,
// the kernel view, the tree control, the diagnostics, and the one fact that crosses
// threads (the run was ended early, and with which exit status).
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>

#include "base/diagnostics.h"
#include "events/event_sink.h"
#include "names/syscall_table.h"
#include "policy/policy.h"
#include "run/kernel_notes.h"
#include "run/kernel_view.h"
#include "run/sender_claims.h"
#include "run/tree_control.h"
#include "tasks/process_table.h"

namespace sigvisor {

class JobControl;

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

 private:
  std::atomic<int> end_status_{0};
  std::atomic<bool> ending_{false};
};

}  // namespace sigvisor
