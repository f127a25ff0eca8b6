// sigvisor's own remarks about the run, apart from the events: a debug trace of the loops
// (SIGVISOR_DEBUG=1 in the environment, for whoever chases the next race) and warnings
// about kernel calls that failed unexpectedly, each kind reported once.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>

namespace sigvisor {

class Diagnostics {
 public:
  // `out`: where warnings and the debug trace go (nullptr: nowhere).
  Diagnostics(std::FILE* out, bool debug) : out_(out), debug_(debug && out != nullptr) {}
  // Whether the environment asks for the debug trace (SIGVISOR_DEBUG set and not "0").
  static bool debug_requested();

  bool debugging() const { return debug_; }
  // One line of the debug trace, prefixed with the thread's role; no-op unless debugging.
  void debug(const char* fmt, ...) const __attribute__((format(printf, 2, 3)));
  // A kernel call `what` (e.g. "ptrace(PTRACE_CONT)") failed with `err` for `pid`.
  // ESRCH from a tracee that died meanwhile is normal: only traced when debugging.
  // Anything else is warned about once per `what` (the rest go to the debug trace).
  void call_failed(const char* what, pid_t pid, int err);
  // One line "sigvisor: LINE" about the run, the first time `key` is seen (later ones
  // with the same key are left out: a loop over sudo says it once).
  void note_once(const std::string& key, const std::string& line);
  // One line of sigvisor's own (a note about the run, "sigvisor: note: ..."), as is.
  void say(const std::string& line) const;
  // How many unexpected failures were seen (0 in a healthy run; tests check it).
  unsigned long unexpected_failures() const { return unexpected_.load(); }

 private:
  std::FILE* const out_;
  const bool debug_;
  std::mutex mu_;
  std::set<std::string> warned_;
  std::set<std::string> noted_;
  std::atomic<unsigned long> unexpected_{0};
};

}  // namespace sigvisor
