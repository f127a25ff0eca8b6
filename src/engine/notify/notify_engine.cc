// See notify_engine.h. A run, in the order that loses no event: build the filter, start the
// tree (front end), table, sink and state, the notify receiver, the control loop, release
// the program, dispatch ptrace stops until the last task is gone, then stop the receiver
// and the control loop, write the summary, close the sink.
#include "engine/notify/notify_engine.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "calls/filter_plan.h"
#include "calls/notify_loop.h"
#include "engine/notify/front_end.h"
#include "engine/notify/ktrace/kernel_trace.h"
#include "engine/notify/stop_dispatcher.h"
#include "events/event_sink.h"
#include "events/signal_graph.h"
#include "run/control_loop.h"
#include "run/exec_note.h"
#include "run/group_witness.h"
#include "run/run_frame.h"
#include "run/run_state.h"
#include "tasks/process_table.h"
#include "terminal/job_control.h"
#include "terminal/pty_relay.h"

namespace sigvisor {
namespace {

// The calls that reached sigvisor, per syscall, on the debug trace: what the filter routed
// and the program made (tests check that what the filter leaves in the kernel never
// arrives, and that what it routes does).
void debug_intercepted(const RunState& sv) {
  if (!sv.diag.debugging()) return;
  sv.diag.debug("notify receiver: %llu empty receives",
                static_cast<unsigned long long>(sv.empty_receives.load()));
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const uint64_t calls = sv.counters[i].calls.load();
    if (calls == 0) continue;
    sv.diag.debug("intercepted %s: %llu calls", std::string(spec(static_cast<Sys>(i)).name).c_str(),
                  static_cast<unsigned long long>(calls));
  }
}

// The kernel trace where the kernel allows it; otherwise a one-line note (never an error).
std::unique_ptr<KernelTrace> start_kernel_trace(const SupervisorOptions& opts,
                                                const ProcessTable& table,
                                                const Diagnostics& diag) {
  if (!opts.kernel_trace) return nullptr;
  auto kt = KernelTrace::start(table, diag);
  if (kt) return std::move(*kt);
  if (opts.messages != nullptr) {
    std::fprintf(opts.messages,
                 "sigvisor: note: kernel trace unavailable (%s): senders of SIGKILL and of "
                 "signals from outside are not named\n",
                 kt.error().message.c_str());
  }
  return nullptr;
}

}  // namespace

Result<ExitPlan> run_notify_engine(const SupervisorOptions& opts) {
  // The signals that end a run are read by the control loop; the receiver's stop signal
  // only by the receiver; the pty relay's (window size, continued) only by the relay.
  // Blocked before any thread starts, so every thread inherits it.
  sigset_t blocked = run_blocked_signals(opts);
  sigaddset(&blocked, kNotifyStopSignal);
  MaskRestore mask(blocked);
  IgnoredForTheRun ignored;
  // Before any other process or thread: what tells a signal to sigvisor's group from one
  // to its pid (group_witness.h). Attach mode forwards nothing.
  GroupWitness witness;
  if (opts.attach.empty()) {
    auto w = GroupWitness::start();
    if (!w) return w.error();
    witness = std::move(*w);
  }

  Diagnostics diag(opts.messages, Diagnostics::debug_requested());
  const FilterSpec filter = plan_filter(filter_inputs(opts));
  if (opts.attach.empty()) diag.debug("filter: %s", describe_filter(filter).c_str());
  // Declared before everything else that may use it, so that it goes last: whatever ends
  // the run, the user's terminal gets its modes back.
  auto opened = open_relay(opts);
  if (!opened) return opened.error();
  const std::unique_ptr<PtyRelay> relay = std::move(*opened);
  auto made = make_tracee_source(opts, filter, mask.saved(), ignored.saved(),
                                 relay ? &relay->child_side() : nullptr);
  if (!made) return made.error();
  TraceeSource& source = **made;
  auto first_tasks = source.start();
  if (relay) relay->close_slave();  // the program's side holds it now
  if (!first_tasks) return first_tasks.error();
  const pid_t root = first_tasks->front().tid;

  ProcessTable table(Outside{getpid(), getpgrp(), source.session_keeper(), witness.pid()});
  for (const TaskInfo& t : *first_tasks) table.add(t);
  source.describe(table);
  SignalGraph graph;  // fed by the sink's writer thread, read after close()
  EventSink sink(sink_config(opts, graph));
  LiveKernelView kernel;
  const std::unique_ptr<TreeControl> tree = source.make_tree(table, root);
  RunState sv(RunParts{table, *opts.policy, sink, kernel, *tree, diag}, opts.printed, root);
  sv.timed = opts.summary;
  if (opts.attach.empty()) {
    sv.witness = &witness;
    sv.no_new_privs_why =
        no_new_privs_reason(opts.policy->requires_user(), std::string(opts.policy->name()));
  }
  sv.record(PolicyEvent{opts.policy->name(), opts.policy->hash(), opts.policy_source});
  sv.record(EngineEvent{"notify", opts.engine_reason});
  // The job-control proxy owns the terminal from here on (the launcher may have given it
  // to the program's group). An attached process is not our job. With a relay the
  // program has a terminal of its own: ours is never handed over, and the relay follows
  // sigvisor's stops.
  std::optional<JobControl> job;
  if (opts.attach.empty()) {
    const int tty = !relay && isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
    job.emplace(tty, root, source.hand_over_terminal(), diag);
    if (relay) job->set_observer(relay.get());
    sv.job = &*job;
  }
  // Before the program runs, so no send to it is missed; removed when `ktrace` goes.
  std::unique_ptr<KernelTrace> ktrace = start_kernel_trace(opts, table, diag);

  std::optional<NotifyReceiver> receiver;
  if (source.listener() >= 0) receiver.emplace(source.listener(), sv);
  ControlLoop control(sv, ControlOptions{opts.timeout_s, opts.timeout_signal, opts.kill_after_s});
  if (auto st = control.ready(); !st) {
    // The program has not run yet (it waits for release): it never will.
    tree->end_tree();
    receiver.reset();
    (void)run_stop_dispatcher(sv, source.restart_rule(), nullptr);
    sink.close();
    return st.error();
  }
  // No task uses the filter any more: nothing left to receive.
  control.watch_hangup(source.listener(), [&receiver] { receiver->stop(); });
  control.start();
  if (relay) relay->start(diag);
  (void)source.release();  // on failure the child is killed and its exit ends the run
  RunEnd end = [&] {
    const int root_status = run_stop_dispatcher(sv, source.restart_rule(), ktrace.get());
    if (receiver) receiver->stop();
    RunEnd e = control.finish();
    e.root_status = root_status;
    e.detached = tree->release() != nullptr;
    return e;
  }();
  // The tree is gone, however the run ended: what it wrote goes out before sigvisor's own
  // last words, and the user's terminal gets its modes back.
  if (relay) relay->finish();
  ktrace.reset();
  debug_intercepted(sv);
  if (opts.summary) sv.record(summary_of(sv));
  sink.close();
  if (job) job->restore_terminal();
  source.finish();
  if (auto st = report_run_end(opts, end, sink, graph); !st) return st.error();
  if (!opts.attach.empty()) return attach_exit_plan(end);
  return ExitPlan{exit_status(end), program_death_signal(end)};
}

}  // namespace sigvisor
