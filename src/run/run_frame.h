// What every engine's run does around its own loops, in the same way: the signal mask and
// dispositions sigvisor holds for the run, the program's own pseudo-terminal (--pty), the
// event sink's configuration, the -c table, and the run's last words (the line saying why
// sigvisor ended the tree, a write error, the --graph files).
#pragma once

#include <pthread.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "events/event_sink.h"
#include "events/signal_graph.h"
#include "run/control_loop.h"
#include "run/launcher.h"
#include "run/run_end.h"
#include "run/run_options.h"
#include "run/run_state.h"
#include "terminal/pty_relay.h"

namespace sigvisor {

// The signals every thread of the run blocks (read by the control loop, the relay's),
// before any thread starts. The engine adds the notify receiver's stop signal.
sigset_t run_blocked_signals(const SupervisorOptions& opts);

// sigvisor ignores SIGPIPE and SIGXFSZ for itself during a run: a closed pipe or a file
// size limit on its output must end in one reported write error, not in sigvisor's death
// (which would kill the tree and lose the log's tail). The program starts with the
// dispositions sigvisor was given (launcher.h Disposition).
class IgnoredForTheRun {
 public:
  IgnoredForTheRun();
  ~IgnoredForTheRun();
  IgnoredForTheRun(const IgnoredForTheRun&) = delete;
  IgnoredForTheRun& operator=(const IgnoredForTheRun&) = delete;
  const std::vector<Disposition>& saved() const { return saved_; }

 private:
  std::vector<Disposition> saved_;
};

// Blocks `block` in the calling thread for the run; restores its mask at the end, but for
// the signals the control loop reads (supervisor_signals()): they stay blocked until
// sigvisor exits. One that comes once the program has ended (systemd signalled sigvisor
// and the program alike, and the program was quicker) has nothing left to reach: it must
// neither kill sigvisor nor change its status, which is the program's. exit_as() unblocks
// the one signal it re-raises.
class MaskRestore {
 public:
  explicit MaskRestore(const sigset_t& block) { pthread_sigmask(SIG_BLOCK, &block, &saved_); }
  ~MaskRestore() {
    sigset_t keep = supervisor_signals();
    sigorset(&keep, &keep, &saved_);
    pthread_sigmask(SIG_SETMASK, &keep, nullptr);
  }
  MaskRestore(const MaskRestore&) = delete;
  MaskRestore& operator=(const MaskRestore&) = delete;
  const sigset_t& saved() const { return saved_; }

 private:
  sigset_t saved_{};
};

// The program gets a pseudo-terminal of its own when asked and there is a terminal to
// keep it from (stdin); an attached process keeps the terminal it has.
bool relays_terminal(const SupervisorOptions& opts);
// Opened before the program starts (pty_relay.h); none when the terminal is shared.
Result<std::unique_ptr<PtyRelay>> open_relay(const SupervisorOptions& opts);

// The Landlock ruleset the program enters (the kernel's backstop for a policy that forbids
// outside targets), when asked for and possible; otherwise a one-line warning and
// supervision by sigvisor alone.
UniqueFd landlock_for(const SupervisorOptions& opts);
// The warning that says there is no such backstop, and why.
void warn_no_backstop(const SupervisorOptions& opts, const std::string& why);

// The sink's outputs as the options ask; `graph` hears every event when --graph is given.
SinkConfig sink_config(const SupervisorOptions& opts, SignalGraph& graph);

// The -c table from the run's counters (strace -c's order: most time first).
SummaryEvent summary_of(const RunState& sv);

// After the sink is closed: the line saying why sigvisor ended the tree (if it did), then
// the sink's write error or the --graph files' note.
Status report_run_end(const SupervisorOptions& opts, const RunEnd& end, const EventSink& sink,
                      const SignalGraph& graph);

}  // namespace sigvisor
