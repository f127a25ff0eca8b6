// Name tables come from glibc (sigabbrev_np, strerrorname_np, strerrordesc_np) rather
// than hand-written copies; only the realtime naming follows strace's own convention.
#include "names/signal_names.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>

namespace sigvisor {
namespace {

constexpr int kRtMin = 32;  // the kernel's SIGRTMIN; glibc's SIGRTMIN (34) is a libc notion

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string signal_name(int sig) {
  // glibc abbreviates 29 as "POLL"; strace (and kill -l) call it SIGIO.
  if (sig == SIGIO) return "SIGIO";
  if (sig >= 1 && sig < kRtMin) {
    if (const char* abbrev = sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  }
  if (sig == kRtMin) return "SIGRTMIN";
  if (sig > kRtMin && sig <= kMaxSignal) return "SIGRT_" + std::to_string(sig - kRtMin);
  return std::to_string(sig);
}

std::optional<int> signal_by_name(std::string_view name) {
  if (auto n = parse_int(name)) {
    if (*n >= 0 && *n <= kMaxSignal) return n;
    return std::nullopt;
  }
  if (name.substr(0, 3) == "SIG") name.remove_prefix(3);
  if (name.empty()) return std::nullopt;
  if (name == "RTMIN") return kRtMin;
  if (name == "RTMAX") return kMaxSignal;
  // Offsets are compared against the room left, not added first: "RTMIN+2147483647"
  // would overflow int (UBSan, seen through fuzz/policy_fuzz.cc).
  if (name.substr(0, 6) == "RTMIN+") {
    auto n = parse_int(name.substr(6));
    if (n && *n >= 0 && *n <= kMaxSignal - kRtMin) return kRtMin + *n;
    return std::nullopt;
  }
  if (name.substr(0, 6) == "RTMAX-") {
    auto n = parse_int(name.substr(6));
    if (n && *n >= 0 && kMaxSignal - *n >= kRtMin) return kMaxSignal - *n;
    return std::nullopt;
  }
  if (name.substr(0, 3) == "RT_") {
    auto n = parse_int(name.substr(3));
    if (n && *n >= 0 && *n <= kMaxSignal - kRtMin) return kRtMin + *n;
    return std::nullopt;
  }
  for (int s = 1; s < kRtMin; ++s) {
    const char* abbrev = sigabbrev_np(s);
    if (abbrev != nullptr && name == abbrev) return s;
  }
  // Aliases glibc does not return from sigabbrev_np.
  if (name == "IOT") return SIGABRT;
  if (name == "POLL" || name == "IO") return SIGIO;
  return std::nullopt;
}

std::optional<std::string_view> errno_name(int err) {
  const char* n = strerrorname_np(err);
  if (n == nullptr) return std::nullopt;
  return std::string_view(n);
}

std::optional<int> errno_by_name(std::string_view name) {
  for (int e = 1; e < 4096; ++e) {
    const char* n = strerrorname_np(e);
    if (n != nullptr && name == n) return e;
  }
  return std::nullopt;
}

std::string errno_result_text(int err) {
  std::string out = "-1 ";
  if (auto n = errno_name(err)) {
    out += *n;
    out += " (";
    const char* d = strerrordesc_np(err);
    out += d != nullptr ? d : "Unknown error";
    out += ")";
  } else {
    out += std::to_string(err);
  }
  return out;
}

}  // namespace sigvisor
