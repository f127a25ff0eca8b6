// See events/signal_graph.h.
#include "events/signal_graph.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "names/signal_names.h"

extern char** environ;

namespace sigvisor {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string proc_label(const Comm& comm, int64_t pid) {
  auto c = comm_view(comm);
  return std::string(c.empty() ? std::string_view("?") : c) + "(" + std::to_string(pid) + ")";
}

bool refused(Action a) {
  return a == Action::deny || a == Action::kill || a == Action::abort;
}

// Scopes whose target is one sandbox process.
bool in_sandbox(Scope s) {
  return s == Scope::self || s == Scope::thread || s == Scope::child || s == Scope::sandbox;
}

bool on_path(const char* name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string SignalGraph::process_node(pid_t pid, const Comm& comm) {
  std::string id = "p" + std::to_string(pid);
  Node& n = nodes_[id];
  if (!comm_view(comm).empty() || n.label.empty()) n.label = proc_label(comm, pid);
  return id;
}

std::string SignalGraph::outside_node(int64_t pid, const Comm& comm, bool known) {
  std::string id = "o" + std::to_string(pid);
  Node& n = nodes_[id];
  if (known || n.label.empty()) n.label = proc_label(known ? comm : Comm{}, pid);
  n.outside = true;
  return id;
}

std::string SignalGraph::special_node(const std::string& id, const std::string& label) {
  Node& n = nodes_[id];
  n.label = label;
  n.outside = true;
  return id;
}

std::string SignalGraph::target_node(const SyscallEvent& ev) {
  const Target& t = *ev.target;
  if (in_sandbox(t.scope)) return process_node(static_cast<pid_t>(t.pid), t.comm);
  if (t.scope == Scope::all) return special_node("all", "every process");
  if (t.scope == Scope::invalid) return special_node("invalid", "invalid target (kernel error)");
  if (t.scope == Scope::supervisor && t.pid > 0) return special_node("sigvisor", "sigvisor");
  if (t.pid <= 0) {
    // A process group: 0 is the caller's own.
    int64_t pgid = t.pid == 0 ? 0 : -t.pid;
    if (pgid == 0) {
      return special_node("g_of_p" + std::to_string(ev.caller.pid),
                          "process group of " + proc_label(ev.caller.comm, ev.caller.pid));
    }
    return special_node("g" + std::to_string(pgid), "process group " + std::to_string(pgid));
  }
  return outside_node(t.pid, t.comm, t.exists);
}

void SignalGraph::edge(const std::string& from, const std::string& to, int sig, bool denied) {
  ++edges_[EdgeKey{from, to, sig, denied}];
}

void SignalGraph::observe(const Event& e) {
  if (const auto* sc = std::get_if<SyscallEvent>(&e.body)) {
    std::string from = process_node(sc->caller.pid, sc->caller.comm);
    int sig = signal_of(sc->call);
    if (!sc->target || sig <= 0 || sc->call.sys == Sys::pidfd_open) return;
    edge(from, target_node(*sc), sig, refused(sc->action));
  } else if (const auto* sg = std::get_if<SignalEvent>(&e.body)) {
    std::string to = process_node(sg->task.pid, sg->task.comm);
    if (in_sandbox(sg->sender_scope)) return;  // its send is a syscall event
    std::string from;
    if (sg->sender_scope == Scope::kernel) {
      from = special_node("kernel", "kernel");
    } else if (sg->sender_scope == Scope::supervisor) {
      from = special_node("sigvisor", "sigvisor");
    } else if (sg->sender) {
      from = outside_node(sg->sender->pid, sg->sender->comm, sg->sender_known);
    } else {
      from = special_node("unknown", "unknown sender");
    }
    edge(from, to, sg->sig, sg->suppressed);
  } else if (const auto* sp = std::get_if<SpawnEvent>(&e.body)) {
    process_node(sp->parent.pid, sp->parent.comm);
    if (!sp->thread) process_node(sp->child_pid, sp->parent.comm);
  } else if (const auto* ex = std::get_if<ExecEvent>(&e.body)) {
    process_node(ex->task.pid, ex->task.comm);
  }
}

std::string SignalGraph::dot() const {
  std::string out = "digraph signals {\n  rankdir=LR;\n  node [shape=box];\n";
  for (const auto& [id, n] : nodes_) {
    out += "  " + id + " [label=" + quoted(n.label);
    if (n.outside) out += ", style=dashed";
    out += "];\n";
  }
  for (const auto& [key, count] : edges_) {
    const auto& [from, to, sig, denied] = key;
    out += "  " + from + " -> " + to + " [label=" +
           quoted(signal_name(sig) + " x" + std::to_string(count) + (denied ? " denied" : ""));
    if (denied) out += ", style=dashed, color=red, fontcolor=red";
    out += "];\n";
  }
  return out + "}\n";
}

Result<std::string> write_graph_files(const std::string& path, const std::string& dot_text) {
  std::FILE* f = std::fopen(path.c_str(), "we");
  if (f == nullptr) return make_error("--graph " + path + ": " + std::strerror(errno));
  bool ok = std::fwrite(dot_text.data(), 1, dot_text.size(), f) == dot_text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return make_error("--graph " + path + ": " + std::strerror(errno));

  if (!on_path("dot")) {
    return std::string("Graphviz 'dot' is not installed: wrote the DOT graph only (" + path + ")");
  }
  std::string svg = path.size() > 4 && path.compare(path.size() - 4, 4, ".dot") == 0
                        ? path.substr(0, path.size() - 4) + ".svg"
                        : path + ".svg";
  const char* argv[] = {"dot", "-Tsvg", path.c_str(), "-o", svg.c_str(), nullptr};
  pid_t pid = 0;
  int err = posix_spawnp(&pid, "dot", nullptr, nullptr, const_cast<char* const*>(argv), environ);
  if (err != 0) return make_error(std::string("running dot: ") + std::strerror(err));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error("dot -Tsvg " + path + " failed (status " + std::to_string(status) + ")");
  }
  return std::string("wrote " + path + " and " + svg);
}

}  // namespace sigvisor
