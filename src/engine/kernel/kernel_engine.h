// The kernel engine: BPF programs (kernel_engine.bpf.c) keep the tree's membership in the
// kernel and record every signal call, spawn, exec, exit, send and delivery there; seccomp
// sends sigvisor only the calls the policy must decide. No ptrace: the program is a plain
// child of sigvisor (a child subreaper, so orphans come back to it), and job control, a
// terminal, cancellation and exit statuses behave as natively. Needs root (CAP_BPF and
// CAP_PERFMON), the kernel's BTF, and the kfuncs that kill the tree from the kernel when
// sigvisor dies (kernel_support.h).
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "engine/kernel/bpf_programs.h"
#include "run/run_options.h"

namespace sigvisor {

// The programs loaded for a run (the verifier has accepted them), not yet attached: a
// failure here leaves nothing behind, so auto can fall back to the notify engine.
struct KernelEngineStart {
  std::unique_ptr<BpfPrograms> programs;
  KernelPlan plan;  // what the programs record and what seccomp routes
};
Result<KernelEngineStart> prepare_kernel_engine(const SupervisorOptions& opts);

// One run on this engine, start to end: see engine/supervisor.h for what it returns.
Result<ExitPlan> run_kernel_engine(const SupervisorOptions& opts, KernelEngineStart start);

}  // namespace sigvisor
