// Whether the kernel engine can honour a run here, and if not, the one thing that stands in
// the way, said in a line: the caller (engine/supervisor.cc) refuses `--engine kernel`
// with it, and auto falls back to the notify engine with it. Cheap checks only; the load
// itself (the verifier, the kfuncs, lockdown) is the final word (prepare_kernel_engine).
#pragma once

#include <optional>
#include <string>

#include "run/run_options.h"

namespace sigvisor {

// What the machine lacks: privileges (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN), the
// kernel's BTF, the host's PID namespace (the programs see the kernel's ids); nullopt if
// nothing.
std::optional<std::string> kernel_engine_missing();

// What in the request this engine cannot do (yet), or nullopt: attach (-p), a delivery
// rule that denies (a signal cannot be suppressed without ptrace), --results for a subset
// (every result is known here), ...
std::optional<std::string> kernel_engine_refuses(const SupervisorOptions& opts);

}  // namespace sigvisor
