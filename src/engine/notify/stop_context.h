// What every stop handler works with, and how a handler says the task goes on.
#pragma once

#include "engine/notify/ptrace_ops.h"
#include "engine/notify/send_witness.h"
#include "kernel/syscall_arch.h"
#include "run/run_state.h"

namespace sigvisor {

// A handler's answer: how the stopped task goes on, with which signal. The dispatcher
// passes it through the front end's restart rule (restart_rule.h) before resuming.
struct Restart {
  Resume how = Resume::cont;
  int sig = 0;
};

struct StopContext {
  RunState& sv;
  PtraceOps& ops;
  const ArchMap& arch;
  SendWitness* witness = nullptr;  // the kernel trace, when the run has one
};

inline ProcRef ref_of(const TaskInfo& t) {
  return ProcRef{t.tgid, t.tid, t.comm};
}

}  // namespace sigvisor
