// Text formatting: strace 6.1's layout (pid prefix, `=` at column 40, `--- SIG ... ---`,
// `+++ exited with N +++`), plus sigvisor's annotations after the result in parentheses:
// the decision (`(DENIED by rule "x")`) and, for signals sent, who sent what to whom in
// the `SIG: sender(pid) -> receiver(pid)` form people know from systemtap.
#include "events/event_text.h"

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "decode/decode.h"
#include "names/signal_names.h"

namespace sigvisor {
namespace {

constexpr std::size_t kResultColumn = 40;

void prefix(const Event& e, pid_t tid, const TextStyle& style, std::string& out) {
  if (style.pid_prefix_always || e.nprocs > 1) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "[pid %5d] ", static_cast<int>(tid));
    out += buf;
  }
}

void proc_label(std::string_view comm, int64_t pid, std::string& out) {
  out += comm.empty() ? std::string_view("?") : comm;
  out += '(';
  out += std::to_string(pid);
  out += ')';
}

void send_annotation(const SyscallEvent& ev, std::string& out) {
  if (!ev.target || ev.call.sys == Sys::pidfd_open) return;
  int sig = signal_of(ev.call);
  if (sig <= 0) return;  // signal 0 only probes; nothing is sent
  const Target& t = *ev.target;
  out += " (";
  out += signal_name(sig);
  out += ": ";
  proc_label(comm_view(ev.caller.comm), ev.caller.pid, out);
  out += " -> ";
  switch (t.scope) {
    case Scope::all:
      out += "every process";
      break;
    case Scope::invalid:
      out += "nobody";  // the kernel refuses the arguments
      break;
    case Scope::group:
    case Scope::supervisor:
      if (t.pid <= 0 && t.tid == 0) {
        out += t.pid == 0 ? "own process group" : "process group " + std::to_string(-t.pid);
        break;
      }
      [[fallthrough]];
    default:
      proc_label(comm_view(t.comm), t.tid > 0 ? t.tid : t.pid, out);
  }
  out += ", ";
  out += scope_name(t.scope);
  if (!t.exists && t.scope == Scope::outside) out += ", no such process";
  out += ')';
}

void decision_annotation(const SyscallEvent& ev, std::string& out) {
  const char* verb = nullptr;
  switch (ev.action) {
    case Action::deny:
      verb = "DENIED";
      break;
    case Action::kill:
      verb = "KILLED";
      break;
    case Action::abort:
      verb = "ABORTED";
      break;
    case Action::log:
      verb = "LOGGED";
      break;
    case Action::allow:
      return;
  }
  out += " (";
  out += verb;
  if (ev.rule.empty()) {
    out += " by default";
  } else {
    out += " by rule \"";
    out += ev.rule;
    out += '"';
  }
  out += ')';
}

void syscall_text(const Event& e, const SyscallEvent& ev, const TextStyle& style,
                  std::string& out) {
  std::size_t line_start = out.size();
  prefix(e, ev.caller.tid, style, out);
  format_call_text(ev.call, out);
  // strace: the arguments known at entry, then " <unfinished ...>" inside the parentheses.
  if (ev.unfinished && !out.empty() && out.back() == ')')
    out.insert(out.size() - 1, " <unfinished ...>");
  out += ' ';
  std::size_t col = out.size() - line_start;
  if (col < kResultColumn) out.append(kResultColumn - col, ' ');
  out += "= ";
  format_result_text(ev.call, out);
  decision_annotation(ev, out);
  send_annotation(ev, out);
  out += '\n';
}

// strace's form for a call it cannot decode (raw arguments in hex), marked with its ABI.
void foreign_call_text(const Event& e, const ForeignCallEvent& ev, const TextStyle& style,
                       std::string& out) {
  std::size_t line_start = out.size();
  prefix(e, ev.caller.tid, style, out);
  out += '[';
  out += ev.abi;
  out += "] ";
  out += ev.name;
  out += '(';
  char buf[24];
  for (std::size_t i = 0; i < ev.regs.size(); ++i) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%#llx" : ", %#llx",
                  static_cast<unsigned long long>(ev.regs[i]));
    out += buf;
  }
  out += ") ";
  std::size_t col = out.size() - line_start;
  if (col < kResultColumn) out.append(kResultColumn - col, ' ');
  out += "= -1 ";
  auto name = errno_name(ev.err);
  out += name ? std::string(*name) : std::to_string(ev.err);
  out += " (";
  out += std::strerror(ev.err);
  out += ") (DENIED by rule \"";
  out += kForeignAbiRule;
  out += "\")\n";
}

void signal_text(const Event& e, const SignalEvent& ev, const TextStyle& style, std::string& out) {
  prefix(e, ev.task.tid, style, out);
  out += "--- ";
  out += signal_name(ev.sig);
  out += ' ';
  format_siginfo_text(ev.info.data(), out);
  out += " ---";
  if (ev.sender) {
    out += " (from ";
    out += std::to_string(ev.sender->pid);
    out += " \"";
    out += ev.sender_known ? comm_view(ev.sender->comm) : std::string_view("unknown");
    out += "\", ";
    out += scope_name(ev.sender_scope);
    if (ev.claimed && !ev.claim_checked) out += ", unverified";
    if (ev.forged) out += ", forged";
    out += ')';
  } else if (ev.sender_scope == Scope::kernel) {
    out += " (from kernel)";
  } else {
    out += " (from unknown, ";
    out += scope_name(ev.sender_scope);
    if (ev.forged) out += ", forged";
    out += ')';
  }
  if (!ev.result.empty() && ev.result != "delivered") {
    out += " (not delivered: ";
    out += ev.result;
    out += ')';
  }
  if (ev.suppressed) {
    out += " (SUPPRESSED by rule \"";
    out += ev.rule;
    out += "\")";
  }
  out += '\n';
}

void exit_text(const Event& e, const ExitEvent& ev, const TextStyle& style, std::string& out) {
  prefix(e, ev.task.tid, style, out);
  int st = ev.wait_status;
  if (WIFSIGNALED(st)) {
    out += "+++ killed by ";
    out += signal_name(WTERMSIG(st));
    if (WCOREDUMP(st)) out += " (core dumped)";
    out += " +++";
    if (ev.killer) {
      out += " (";
      out += signal_name(WTERMSIG(st));
      out += ": ";
      proc_label(comm_view(ev.killer->comm), ev.killer->pid, out);
      out += " -> ";
      proc_label(comm_view(ev.task.comm), ev.task.pid, out);
      out += ", ";
      out += scope_name(ev.killer_scope);
      out += ')';
    }
  } else {
    out += "+++ exited with ";
    out += std::to_string(WEXITSTATUS(st));
    out += " +++";
  }
  out += '\n';
}

void quoted(std::string_view s, std::string& out) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

// strace -c's table (strace 6.1 count.c: widths, blank zero counts, rows in the order
// given, a total line) with one more column, `denied`, before the name. The time is what
// sigvisor measured per call: supervisor time for notified calls, entry stop to exit
// stop for --results calls.
void summary_text(const SummaryEvent& ev, std::string& out) {
  std::size_t name_width = 16;
  double total_s = 0;
  uint64_t calls = 0, errors = 0, denied = 0;
  for (const auto& r : ev.rows) {
    name_width = std::max(name_width, r.syscall.size() + 1);
    total_s += r.seconds;
    calls += r.calls;
    errors += r.errors;
    denied += r.denied;
  }
  char buf[192];
  std::snprintf(buf, sizeof buf, "%6.6s %11.11s %11.11s %9.9s %9.9s %9.9s %s\n", "% time",
                "seconds", "usecs/call", "calls", "errors", "denied", "syscall");
  out += buf;
  const std::string dashes = "------ ----------- ----------- --------- --------- --------- " +
                             std::string(name_width, '-') + '\n';
  out += dashes;
  auto row = [&](std::string_view name, double s, uint64_t n, uint64_t err, uint64_t den) {
    const double percent = total_s > 0 ? 100.0 * s / total_s : 0.0;
    const auto usecs = static_cast<unsigned long long>(n > 0 ? s * 1e6 / n : 0);
    auto count = [](uint64_t v) { return v == 0 ? std::string() : std::to_string(v); };
    std::snprintf(buf, sizeof buf, "%6.2f %11.6f %11llu %9llu %9s %9s %.*s\n", percent, s, usecs,
                  static_cast<unsigned long long>(n), count(err).c_str(), count(den).c_str(),
                  static_cast<int>(name.size()), name.data());
    out += buf;
  };
  for (const auto& r : ev.rows) row(r.syscall, r.seconds, r.calls, r.errors, r.denied);
  out += dashes;
  row("total", total_s, calls, errors, denied);
  if (ev.lost_notifications > 0) {
    out += "(" + std::to_string(ev.lost_notifications) +
           " notifications lost: the caller died before sigvisor answered)\n";
  }
  if (ev.dropped_records > 0) {
    out += "(" + std::to_string(ev.dropped_records) +
           " records dropped: the kernel's ring buffer was full)\n";
  }
  for (const std::string& note : ev.kernel_notes) out += "(kernel: " + note + ")\n";
}

}  // namespace

void format_event_text(const Event& e, const TextStyle& style, std::string& out) {
  if (style.summary_only && !std::holds_alternative<SummaryEvent>(e.body)) return;
  std::visit(
      [&](const auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, SyscallEvent>) {
          syscall_text(e, ev, style, out);
        } else if constexpr (std::is_same_v<T, ForeignCallEvent>) {
          foreign_call_text(e, ev, style, out);
        } else if constexpr (std::is_same_v<T, SignalEvent>) {
          signal_text(e, ev, style, out);
        } else if constexpr (std::is_same_v<T, ExitEvent>) {
          exit_text(e, ev, style, out);
        } else if constexpr (std::is_same_v<T, SpawnEvent>) {
          prefix(e, ev.parent.tid, style, out);
          out += ev.thread                     ? "+++ clone thread "
                 : ev.kind == SpawnKind::vfork ? "+++ vfork "
                 : ev.kind == SpawnKind::clone ? "+++ clone "
                                               : "+++ fork ";
          out += std::to_string(ev.child_tid);
          out += " +++\n";
        } else if constexpr (std::is_same_v<T, ExecEvent>) {
          prefix(e, ev.task.tid, style, out);
          out += "+++ exec ";
          quoted(ev.path, out);
          out += " [";
          for (std::size_t i = 0; i < ev.argv.size(); ++i) {
            if (i > 0) out += ", ";
            quoted(ev.argv[i], out);
          }
          out += "] +++";
          if (!ev.note.empty()) {
            out += " (";
            out += ev.note;
            out += ')';
          }
          out += '\n';
        } else if constexpr (std::is_same_v<T, StopEvent>) {
          prefix(e, ev.task.tid, style, out);
          out += "--- stopped by ";
          out += signal_name(ev.sig);
          out += " ---\n";
        } else if constexpr (std::is_same_v<T, SummaryEvent>) {
          summary_text(ev, out);
        } else if constexpr (std::is_same_v<T, EngineEvent>) {
          out += "+++ engine " + ev.engine + ": " + ev.reason + " +++\n";
        } else if constexpr (std::is_same_v<T, DroppedEvent>) {
          out += "--- dropped " + std::to_string(ev.count) +
                 " records: the kernel's ring buffer was full (" + std::to_string(ev.total) +
                 " in all; --buffer SIZE makes it larger) ---\n";
        }
      },
      e.body);
}

}  // namespace sigvisor
