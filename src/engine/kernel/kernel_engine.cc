// See kernel_engine.h. A run, in the order that loses no event: plan what the kernel records
// and what seccomp routes, launch the program (it waits for "go"), make it the first member,
// attach the programs, start the record reader, the notify receiver (decisions) and the
// control loop, let the program exec, reap the tree until it is gone, then read every
// record left, stop the receiver and the control loop, detach, write the summary, close.
#include "engine/kernel/kernel_engine.h"

#include <unistd.h>

#include <optional>

#include "calls/filter_plan.h"
#include "calls/notify_loop.h"
#include "engine/kernel/member_view.h"
#include "engine/kernel/record_dispatch.h"
#include "engine/kernel/record_reader.h"
#include "engine/kernel/result_join.h"
#include "engine/kernel/tree_reaper.h"
#include "run/control_loop.h"
#include "run/exec_note.h"
#include "run/group_witness.h"
#include "run/launcher.h"
#include "run/run_frame.h"
#include "run/tree_control.h"
#include "tasks/process_table.h"

namespace sigvisor {
namespace {

// The launched program, discarded (killed and reaped) unless the run took it over.
class LaunchedProgram {
 public:
  explicit LaunchedProgram(Launched l) : l_(std::move(l)) {}
  ~LaunchedProgram() {
    if (!released_) discard(l_);
  }
  LaunchedProgram(const LaunchedProgram&) = delete;
  LaunchedProgram& operator=(const LaunchedProgram&) = delete;
  Launched& get() { return l_; }
  Status release() {
    released_ = true;
    auto st = sigvisor::release(l_);
    if (!st) ::kill(l_.pid, SIGKILL);  // never run unsupervised; its exit ends the run
    return st;
  }

 private:
  Launched l_;
  bool released_ = false;
};

}  // namespace

Result<KernelEngineStart> prepare_kernel_engine(const SupervisorOptions& opts) {
  BpfPrograms::Settings settings;
  settings.loader = getpid();
  settings.buffer_bytes = opts.buffer_bytes;
  auto programs = BpfPrograms::load(settings);
  if (!programs) return programs.error();
  ConstantGuard guard;
  guard.enabled = !relays_terminal(opts);  // a pty session keeper could be signalled too
  guard.supervisor = getpid();
  guard.supervisor_pgid = getpgrp();
  KernelPlan plan = plan_kernel(filter_inputs(opts), guard);
  if (auto st = (*programs)->set_rules(bpf_sys_rules(plan)); !st) return st.error();
  return KernelEngineStart{std::move(*programs), std::move(plan)};
}

Result<ExitPlan> run_kernel_engine(const SupervisorOptions& opts, KernelEngineStart start) {
  BpfPrograms& bpf = *start.programs;
  sigset_t blocked = run_blocked_signals(opts);
  sigaddset(&blocked, kNotifyStopSignal);
  MaskRestore mask(blocked);
  IgnoredForTheRun ignored;
  // Before any other process or thread: what tells a signal to sigvisor's group from one
  // to its pid (group_witness.h).
  auto witness = GroupWitness::start();
  if (!witness) return witness.error();
  Diagnostics diag(opts.messages, Diagnostics::debug_requested());
  const KernelPlan& plan = start.plan;
  diag.debug("kernel engine: %s", describe_filter(plan.filter).c_str());
  FilterSpec spec = plan.filter;
  spec.foreign_to_notify = true;  // no ptrace to stop them for
  auto filter = build_filter(spec);
  if (!filter) return filter.error();
  if (!become_subreaper()) return make_error("PR_SET_CHILD_SUBREAPER failed");

  auto opened = open_relay(opts);
  if (!opened) return opened.error();
  const std::unique_ptr<PtyRelay> relay = std::move(*opened);
  UniqueFd landlock = landlock_for(opts);
  LaunchSpec ls;
  ls.argv = opts.argv;
  ls.filter = &*filter;
  ls.child_sigmask = mask.saved();
  ls.child_dispositions = ignored.saved();
  ls.run_as = opts.run_as ? &*opts.run_as : nullptr;
  ls.landlock_ruleset = landlock.get();
  ls.pty = relay ? &relay->child_side() : nullptr;
  ls.no_new_privs = needs_no_new_privs(opts.policy->requires_user());
  auto launched = launch(ls);
  landlock.reset();
  if (relay) relay->close_slave();  // the program's side holds it now
  if (!launched) return launched.error();
  LaunchedProgram program(std::move(*launched));
  const pid_t root = program.get().pid;
  // The program joins before it execs: every task it makes joins at its birth.
  if (auto st = bpf.add_member(root, root, 0); !st) return st.error();
  enable_sync_wakeup(program.get().listener.get());

  ProcessTable table(Outside{getpid(), getpgrp(), program.get().keeper, witness->pid()});
  table.add(TaskInfo{root, root, 0, make_comm("sigvisor")});  // until its exec record
  MemberView members(bpf.members_fd(), table);
  table.use_membership(&members);
  SignalGraph graph;  // fed by the sink's writer thread, read after close()
  EventSink sink(sink_config(opts, graph));
  LiveKernelView kernel;
  KillingTree tree(table, root);
  RunState sv(RunParts{table, *opts.policy, sink, kernel, tree, diag}, opts.printed, root);
  sv.timed = opts.summary;
  sv.witness = &*witness;
  sv.no_new_privs_why =
      no_new_privs_reason(opts.policy->requires_user(), std::string(opts.policy->name()));
  sv.record(PolicyEvent{opts.policy->name(), opts.policy->hash(), opts.policy_source});
  sv.record(EngineEvent{"kernel", opts.engine_reason});
  // The job-control proxy owns the terminal from here on (the launcher may have given it
  // to the program's group). With a relay the program has a terminal of its own.
  const int tty = !relay && isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
  JobControl job(tty, root, std::exchange(program.get().took_terminal, false), diag);
  if (relay) job.set_observer(relay.get());
  sv.job = &job;

  ResultJoin results(sv, plan.completed);
  sv.results = &results;
  RecordDispatch dispatch(sv, getpid(), results);
  if (program.get().keeper > 0) {
    // The keeper is the program's parent: its stops reach sigvisor as deliveries only.
    dispatch.on_stop([&job, root](pid_t tgid, int sig) {
      if (tgid == root && JobControl::is_forwarded_stop(sig)) job.job_stopped(sig);
    });
  }
  auto reader = RecordReader::open(bpf, dispatch, sv);
  if (!reader) return reader.error();
  sv.earlier_records = reader->get();
  if (auto st = bpf.attach(); !st) return st.error();
  std::optional<NotifyReceiver> receiver;
  const int listener = program.get().listener.get();
  if (listener >= 0) receiver.emplace(listener, sv);
  ControlLoop control(sv, ControlOptions{opts.timeout_s, opts.timeout_signal, opts.kill_after_s});
  if (auto st = control.ready(); !st) return st.error();  // the program never runs
  if (listener >= 0) control.watch_hangup(listener, [&receiver] { receiver->stop(); });
  (*reader)->start();
  control.start();
  if (relay) relay->start(diag);
  (void)program.release();
  RunEnd end = [&] {
    // The program's end stops the witness (RunState::program_exited, from its exit
    // record); its process or its keeper reaped does too, were that record lost.
    const pid_t keeper = program.get().keeper;
    const int reaped = reap_tree(root, &job, [&](pid_t pid) {
      if (pid == root || (keeper > 0 && pid == keeper)) witness->stop();
    });
    (*reader)->finish();  // every record of the tree was written before its last exit
    if (receiver) receiver->stop();
    RunEnd e = control.finish();
    e.root_status = dispatch.root_status() >= 0 ? dispatch.root_status() : reaped;
    return e;
  }();
  bpf.detach();
  if (relay) relay->finish();
  if (opts.summary) {
    SummaryEvent s = summary_of(sv);
    s.dropped_records = (*reader)->dropped();
    sv.record(std::move(s));
  }
  sink.close();
  job.restore_terminal();
  restore_terminal(program.get());
  if (const uint64_t lost = (*reader)->dropped(); lost > 0 && opts.messages != nullptr) {
    std::fprintf(opts.messages,
                 "sigvisor: warning: %llu records lost: the kernel's ring buffer was full "
                 "(--buffer SIZE makes it larger; --engine notify never loses one)\n",
                 static_cast<unsigned long long>(lost));
  }
  if (auto st = report_run_end(opts, end, sink, graph); !st) return st.error();
  return ExitPlan{exit_status(end), program_death_signal(end)};
}

}  // namespace sigvisor
