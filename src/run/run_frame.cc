// See run_frame.h.
#include "run/run_frame.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "kernel/landlock.h"
#include "run/control_loop.h"

namespace sigvisor {

sigset_t run_blocked_signals(const SupervisorOptions& opts) {
  sigset_t blocked = supervisor_signals();
  if (relays_terminal(opts)) {
    const sigset_t relay_signals = pty_relay_signals();
    sigorset(&blocked, &blocked, &relay_signals);
  }
  return blocked;
}

IgnoredForTheRun::IgnoredForTheRun() {
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  for (int sig : {SIGPIPE, SIGXFSZ}) {
    Disposition d;
    d.sig = sig;
    sigaction(sig, &ign, &d.action);
    saved_.push_back(d);
  }
}

IgnoredForTheRun::~IgnoredForTheRun() {
  for (const Disposition& d : saved_) sigaction(d.sig, &d.action, nullptr);
}

bool relays_terminal(const SupervisorOptions& opts) {
  return opts.relay_terminal && opts.attach.empty() && isatty(STDIN_FILENO);
}

Result<std::unique_ptr<PtyRelay>> open_relay(const SupervisorOptions& opts) {
  if (!relays_terminal(opts)) return std::unique_ptr<PtyRelay>();
  return PtyRelay::open(STDIN_FILENO,
                        opts.run_as ? std::optional<uid_t>(opts.run_as->uid) : std::nullopt);
}

void warn_no_backstop(const SupervisorOptions& opts, const std::string& what) {
  if (opts.messages != nullptr) {
    std::fprintf(opts.messages,
                 "sigvisor: warning: no kernel backstop for signals leaving the sandbox: %s\n",
                 what.c_str());
  }
}

UniqueFd landlock_for(const SupervisorOptions& opts) {
  if (!opts.landlock || !opts.policy->forbids_outside()) return UniqueFd();
  auto rs = signal_scope_ruleset();
  if (rs) return std::move(*rs);
  warn_no_backstop(opts, rs.error().message);
  return UniqueFd();
}

SinkConfig sink_config(const SupervisorOptions& opts, SignalGraph& graph) {
  SinkConfig sc;
  sc.text = opts.text;
  sc.style.pid_prefix_always = opts.text_is_file;
  sc.style.summary_only = opts.summary;  // strace -c prints only its table
  sc.json = opts.json;
  if (!opts.graph_file.empty()) sc.observer = [&graph](const Event& e) { graph.observe(e); };
  return sc;
}

SummaryEvent summary_of(const RunState& sv) {
  SummaryEvent s;
  for (std::size_t i = 0; i < kSysCount; ++i) {
    const auto& c = sv.counters[i];
    uint64_t calls = c.calls.load();
    if (calls == 0) continue;
    s.rows.push_back(SummaryRow{spec(static_cast<Sys>(i)).name, calls, c.errors.load(),
                                c.denied.load(), static_cast<double>(c.nanos.load()) / 1e9});
  }
  std::sort(s.rows.begin(), s.rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    return a.seconds != b.seconds ? a.seconds > b.seconds : a.syscall < b.syscall;
  });
  s.lost_notifications = sv.lost_notifications.load();
  return s;
}

Status report_run_end(const SupervisorOptions& opts, const RunEnd& end, const EventSink& sink,
                      const SignalGraph& graph) {
  if (auto line = end_message(end); !line.empty() && opts.messages != nullptr) {
    std::fprintf(opts.messages, "%s\n", line.c_str());
    std::fflush(opts.messages);
  }
  if (auto err = sink.write_error(); !err.empty()) return make_error(err);
  if (!opts.graph_file.empty()) {
    auto note = write_graph_files(opts.graph_file, graph.dot());
    if (!note) return note.error();
    if (opts.messages != nullptr) std::fprintf(opts.messages, "sigvisor: %s\n", note->c_str());
  }
  return Ok{};
}

}  // namespace sigvisor
