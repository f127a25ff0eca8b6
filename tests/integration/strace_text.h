// Reading strace's and sigvisor's text traces side by side (strace_parity_test.cc,
// summary_test.cc): the syscall lines of each task, normalised so that only what
// legitimately differs between two runs (pids, padding, sigvisor's own annotations) is
// taken out, and strace's `-c` table.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace sigvisor::test {

// The signal syscalls both tools trace. sigvisor's table also has fcntl, ioctl and prctl,
// but intercepts only some of their commands (F_SETOWN, TIOCSIG, PR_SET_PDEATHSIG, ...)
// while strace would show every call: they are not part of the comparison.
inline const char* kSignalFamily =
    "kill,tkill,tgkill,rt_sigqueueinfo,rt_tgsigqueueinfo,pidfd_send_signal,pidfd_open,"
    "rt_sigprocmask,rt_sigaction,signalfd,signalfd4,rt_sigtimedwait,rt_sigsuspend,pause,"
    "rt_sigpending,sigaltstack,rt_sigreturn";

// Whether `tool` can be run (the harness's child exits 99 when exec fails).
inline bool runnable(const std::vector<std::string>& probe) {
  return run_native(probe, 10).exit_status != 99;
}

// Per task (named T1, T2, ... by order of first appearance), its syscall lines in order:
// - the prefix is `[pid  N] ` (sigvisor, strace -f) or `N  ` (strace -f -o FILE);
// - `+++ ... +++` and `--- ... ---` lines are not syscalls and are dropped;
// - strace's `call( <unfinished ...>` + `<... call resumed>rest` become one line where
//   the call ended (sigvisor records calls at their exit);
// - sigvisor's annotations after the result are dropped: ` (DENIED by ...)` and the like,
//   and ` (SIG: sender(pid) -> receiver(pid), scope)`;
// - the padding before ` = ` is collapsed (it depends on the prefix width);
// - every number equal to a task's id becomes that task's name.
inline std::map<std::string, std::vector<std::string>> task_lines(const std::string& text) {
  static const std::regex prefix(R"(^(?:\[pid\s+(\d+)\]|(\d+))\s+(.*)$)");
  static const std::regex decision(R"( \((?:DENIED|KILLED|ABORTED|LOGGED) by [^()]*\))");
  static const std::regex send(R"( \((?:SIG[A-Z0-9_]+|-?\d+): .* -> .*\)$)");
  static const std::regex padding(R"(\s+= )");
  static const std::regex resumed(R"(^<\.\.\. [a-z0-9_]+ resumed>(.*)$)");
  static const std::string unfinished = " <unfinished ...>";

  std::vector<std::pair<std::string, std::string>> lines;  // tid, body
  std::map<std::string, std::string> pending;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, prefix)) continue;  // not a task's line
    std::string tid = m[1].matched ? m[1].str() : m[2].str();
    std::string body = m[3].str();
    if (body.rfind("+++", 0) == 0 || body.rfind("---", 0) == 0) continue;
    if (body.size() > unfinished.size() &&
        body.compare(body.size() - unfinished.size(), unfinished.size(), unfinished) == 0) {
      pending[tid] = body.substr(0, body.size() - unfinished.size());
      continue;
    }
    if (std::regex_match(body, m, resumed)) {
      body = pending[tid] + m[1].str();
      pending.erase(tid);
    }
    body = std::regex_replace(body, decision, "");
    body = std::regex_replace(body, send, "");
    body = std::regex_replace(body, padding, " = ");
    lines.emplace_back(tid, body);
  }
  std::vector<std::string> tids;
  for (const auto& [tid, body] : lines) {
    if (std::find(tids.begin(), tids.end(), tid) == tids.end()) tids.push_back(tid);
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto [tid, body] : lines) {
    for (std::size_t i = 0; i < tids.size(); ++i) {
      body = std::regex_replace(body, std::regex("\\b" + tids[i] + "\\b"),
                                "T" + std::to_string(i + 1));
    }
    auto index = std::find(tids.begin(), tids.end(), tid) - tids.begin();
    out["T" + std::to_string(index + 1)].push_back(body);
  }
  return out;
}

struct CallCounts {
  uint64_t calls = 0;
  uint64_t errors = 0;
  bool operator==(const CallCounts&) const = default;
};

// The rows of strace -c's table: name -> calls, errors (blank errors are 0). The total
// line is kept under "total".
inline std::map<std::string, CallCounts> strace_counts(const std::string& table) {
  static const std::regex row(R"(^\s*[0-9.]+\s+[0-9.]+\s+\d+\s+(\d+)\s+(\d*)\s*([a-z0-9_]+)$)");
  std::map<std::string, CallCounts> out;
  std::istringstream in(table);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    CallCounts c;
    c.calls = std::stoull(m[1].str());
    c.errors = m[2].length() > 0 ? std::stoull(m[2].str()) : 0;
    out[m[3].str()] = c;
  }
  return out;
}

}  // namespace sigvisor::test
