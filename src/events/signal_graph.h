// The who-signalled-whom picture (--graph FILE): built off the hot path from the event
// stream (the EventSink's writer thread calls observe() for each event), written as DOT,
// and as SVG next to it when Graphviz's `dot` is installed.
//
// Nodes: sandbox processes `p<pid>` labelled comm(pid) (the last name seen); processes
// outside `o<pid>`; `sigvisor`, `kernel`, `unknown` (an outside sender we could not name),
// process groups `g<pgid>` and `all` (kill(-1)). Edges: one per (from, to, signal, denied)
// labelled "SIG xN"; refused sends and suppressed deliveries are dashed red.
// Sends from the sandbox come from syscall events (so SIGKILL, which has no delivery stop,
// and signals taken by sigwaitinfo count too); deliveries only add edges for senders that
// no syscall event shows: outside, the supervisor, the kernel, unknown. The graph follows
// what was recorded: `-e trace=` hides the sends it filters out.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "base/result.h"
#include "events/event.h"

namespace sigvisor {

class SignalGraph {
 public:
  void observe(const Event& e);
  std::string dot() const;

 private:
  struct Node {
    std::string label;
    bool outside = false;  // drawn dashed: not under supervision
  };
  using EdgeKey = std::tuple<std::string, std::string, int, bool>;  // from, to, sig, denied

  std::string process_node(pid_t pid, const Comm& comm);
  std::string outside_node(int64_t pid, const Comm& comm, bool known);
  std::string special_node(const std::string& id, const std::string& label);
  std::string target_node(const SyscallEvent& ev);
  void edge(const std::string& from, const std::string& to, int sig, bool denied);

  std::map<std::string, Node> nodes_;
  std::map<EdgeKey, uint64_t> edges_;
};

// Writes `dot_text` to `path` and, when `dot` is on PATH, `dot -Tsvg` next to it
// (path with .dot replaced by .svg). Returns a line for stderr about the SVG.
Result<std::string> write_graph_files(const std::string& path, const std::string& dot_text);

}  // namespace sigvisor
