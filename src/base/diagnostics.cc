// See diagnostics.h.
#include "base/diagnostics.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace sigvisor {

bool Diagnostics::debug_requested() {
  const char* v = std::getenv("SIGVISOR_DEBUG");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

void Diagnostics::debug(const char* fmt, ...) const {
  if (!debug_) return;
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  // One fprintf per line: stdio locks the stream, so lines from threads do not mix.
  std::fprintf(out_, "sigvisor[debug %ld.%06ld]: %s\n", static_cast<long>(ts.tv_sec),
               ts.tv_nsec / 1000, line);
}

void Diagnostics::say(const std::string& line) const {
  if (out_ != nullptr) std::fprintf(out_, "%s\n", line.c_str());
}

void Diagnostics::call_failed(const char* what, pid_t pid, int err) {
  if (err == ESRCH) {
    debug("%s on %d: task gone", what, static_cast<int>(pid));
    return;
  }
  unexpected_.fetch_add(1, std::memory_order_relaxed);
  debug("%s on %d: %s", what, static_cast<int>(pid), std::strerror(err));
  std::lock_guard lock(mu_);
  if (out_ == nullptr || !warned_.insert(what).second) return;
  std::fprintf(out_,
               "sigvisor: warning: %s on %d failed: %s (further failures of this call not shown)\n",
               what, static_cast<int>(pid), std::strerror(err));
}

void Diagnostics::note_once(const std::string& key, const std::string& line) {
  std::lock_guard lock(mu_);
  if (out_ == nullptr || !noted_.insert(key).second) return;
  std::fprintf(out_, "sigvisor: %s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace sigvisor
