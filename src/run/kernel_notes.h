// What the kernel's missing features cost a run, said where it is found again rather than
// on every run's stderr: the notes the JSON `policy` event and the -c summary carry
// (notes_for), and the one stderr line for a refusal that had no kernel backstop.
//
// Under a policy that forbids outside targets (ci-isolation, untrusted), Landlock's signal
// scope (Linux 6.12) is the kernel's own refusal of a signal leaving the sandbox, behind
// sigvisor's decision. On an older kernel the run is the same but for that backstop, and a
// CI log that said so on every run would train its readers to skip the line. So stderr
// says it only when it matters: the first time a call aimed outside the sandbox is refused
// by sigvisor alone (once per run, naming the call); the policy event and `sigvisor
// --doctor` say it always.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "events/event.h"
#include "kernel/kernel_features.h"

namespace sigvisor {

// The notes for a run under a policy that does (or does not) forbid outside targets: one
// per missing feature that matters to it, "TITLE missing (WHY): WHAT SIGVISOR DOES".
std::vector<std::string> notes_for(const KernelFeatures& k, bool forbids_outside);

class BackstopNote {
 public:
  // `diag`: where the note is said (sigvisor's messages).
  BackstopNote(const KernelFeatures& k, bool forbids_outside, const Diagnostics& diag);
  // A call sigvisor refused: the first one aimed outside the sandbox, when the kernel
  // has no backstop for it, is said (kBackstopNote ...).
  void refused(const SyscallEvent& ev);
  // Whether the note was said (tests).
  bool said() const { return said_.load(std::memory_order_relaxed); }

 private:
  std::string why_;  // empty: nothing to say (a backstop, or a policy that needs none)
  const Diagnostics& diag_;
  std::atomic<bool> said_{false};
};

}  // namespace sigvisor
