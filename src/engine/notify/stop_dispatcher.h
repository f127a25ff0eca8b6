// The ptrace side of a run: waits for every stop of the tree (waitpid __WALL), classifies
// it (stop_kind.h), hands it to its handler — lifecycle (fork, exec, exit), syscall stops
// (--results, attach), signal delivery, group stops — and resumes the task as the handler and the
// front end's restart rule say. Runs on the thread that seized the tree: ptrace requests
// are only accepted from the tracer thread.
#pragma once

#include "engine/notify/restart_rule.h"
#include "engine/notify/send_witness.h"
#include "run/run_state.h"

namespace sigvisor {

// Runs until no traced task is left (exited, or detached when the tree's TreeControl lets
// go of it). Returns the launched program's wait status.
// `witness`: the kernel's record of sends (send_witness.h), or nullptr.
int run_stop_dispatcher(RunState& sv, RestartRule rule, SendWitness* witness = nullptr);

}  // namespace sigvisor
