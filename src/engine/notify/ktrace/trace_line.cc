// See trace_line.h. Every field is checked: a line that does not parse completely is an
// error, never a half-filled record (a wrong sender is worse than none).
#include "engine/notify/ktrace/trace_line.h"

#include <charconv>
#include <string>

namespace sigvisor {
namespace {

constexpr std::string_view kEvent = ": signal_generate: ";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// The whole of `s` as a decimal integer (an optional leading '-').
template <typename Int>
bool whole_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "1824.864983" (seconds.microseconds; more or fewer digits are accepted).
bool timestamp(std::string_view s, double& out) {
  std::size_t dot = s.find('.');
  if (dot == std::string_view::npos) return false;
  uint64_t whole = 0;
  uint64_t frac = 0;
  std::string_view f = s.substr(dot + 1);
  if (!whole_int(s.substr(0, dot), whole) || !whole_int(f, frac) || f.size() > 9) return false;
  double scale = 1;
  for (std::size_t i = 0; i < f.size(); ++i) scale *= 10;
  out = static_cast<double>(whole) + static_cast<double>(frac) / scale;
  return true;
}

// Takes " KEY=N" off the end of `s` (searching from the right) into `out`.
bool tail_field(std::string_view& s, std::string_view key, int& out) {
  std::string needle = " " + std::string(key) + "=";
  std::size_t at = s.rfind(needle);
  if (at == std::string_view::npos) return false;
  if (!whole_int(s.substr(at + needle.size()), out)) return false;
  s = s.substr(0, at);
  return true;
}

// "KEY=N " at the front of `s`.
bool head_field(std::string_view& s, std::string_view key, int& out) {
  if (s.substr(0, key.size() + 1) != std::string(key) + "=") return false;
  s.remove_prefix(key.size() + 1);
  std::size_t sp = s.find(' ');
  if (sp == std::string_view::npos || !whole_int(s.substr(0, sp), out)) return false;
  s.remove_prefix(sp + 1);
  return true;
}

// "sig=9 errno=0 code=0 comm=sleep pid=4240 grp=1 res=0"
Status parse_fields(std::string_view s, TraceSend& t) {
  s = trim(s);
  int grp = 0;
  if (!tail_field(s, "res", t.result) || !tail_field(s, "grp", grp) ||
      !tail_field(s, "pid", t.target)) {
    return make_error("no pid/grp/res fields");
  }
  if (grp != 0 && grp != 1) return make_error("grp is neither 0 nor 1");
  t.group = grp == 1;
  if (!head_field(s, "sig", t.sig) || !head_field(s, "errno", t.err) ||
      !head_field(s, "code", t.code)) {
    return make_error("no sig/errno/code fields");
  }
  if (s.substr(0, 5) != "comm=") return make_error("no comm field");
  t.target_comm = make_comm(s.substr(5));
  if (t.sig <= 0 || t.sig > 64 || t.target <= 0) return make_error("signal or pid out of range");
  return Ok{};
}

// "   kill-4242    (   4242) [001] d..1.  1824.864983"
Status parse_context(std::string_view s, TraceSend& t) {
  std::size_t open = s.rfind('[');
  if (open == std::string_view::npos) return make_error("no [cpu]");
  std::size_t close = s.find(']', open);
  int cpu = 0;
  if (close == std::string_view::npos || !whole_int(s.substr(open + 1, close - open - 1), cpu)) {
    return make_error("bad [cpu]");
  }
  std::string_view rest = trim(s.substr(close + 1));
  std::size_t last_space = rest.rfind(' ');  // flags (irq-info) before the timestamp
  std::string_view ts = last_space == std::string_view::npos ? rest : rest.substr(last_space + 1);
  if (!timestamp(ts, t.ts)) return make_error("bad timestamp");
  std::string_view task = trim(s.substr(0, open));
  if (!task.empty() && task.back() == ')') {  // record-tgid: "(  4242)" or "(-------)"
    std::size_t p = task.rfind('(');
    if (p == std::string_view::npos) return make_error("unbalanced (tgid)");
    std::string_view tgid = trim(task.substr(p + 1, task.size() - p - 2));
    if (tgid.find_first_not_of('-') != std::string_view::npos &&
        (!whole_int(tgid, t.sender_tgid) || t.sender_tgid <= 0)) {
      return make_error("bad (tgid)");
    }
    task = trim(task.substr(0, p));
  }
  std::size_t dash = task.rfind('-');
  if (dash == std::string_view::npos || !whole_int(task.substr(dash + 1), t.sender_tid) ||
      t.sender_tid < 0) {
    return make_error("no comm-pid");
  }
  std::string_view comm = task.substr(0, dash);
  if (comm != "<...>") t.sender_comm = make_comm(comm);
  return Ok{};
}

}  // namespace

Result<TraceRecord> parse_trace_line(std::string_view line) {
  std::string_view l = trim(line);
  if (l.substr(0, 4) == "CPU:") {
    std::size_t lost = l.find("[LOST ");
    std::size_t events = l.rfind(" EVENTS]");
    TraceLost t;
    if (lost == std::string_view::npos || events == std::string_view::npos || events < lost ||
        !whole_int(l.substr(lost + 6, events - lost - 6), t.events)) {
      return make_error("bad lost-events line");
    }
    return TraceRecord{t};
  }
  std::size_t at = line.find(kEvent);
  if (at == std::string_view::npos) return make_error("not a signal_generate line");
  TraceSend t;
  if (auto st = parse_context(line.substr(0, at), t); !st) return st.error();
  if (auto st = parse_fields(line.substr(at + kEvent.size()), t); !st) return st.error();
  return TraceRecord{t};
}

}  // namespace sigvisor
