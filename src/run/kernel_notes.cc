// See kernel_notes.h.
#include "run/kernel_notes.h"

#include "model/scope.h"
#include "names/syscall_table.h"

namespace sigvisor {
namespace {

bool matters(Feature f, bool forbids_outside) {
  return f != Feature::landlock_signal_scope || forbids_outside;
}

// Targets Landlock's signal scope would refuse: a process outside the sandbox's domain
// (one that exists: for a pid nobody has, the kernel's ESRCH needs no backstop).
bool leaves_sandbox(const Target& t) {
  return (t.scope == Scope::outside && t.exists) || t.scope == Scope::init ||
         t.scope == Scope::supervisor || t.scope == Scope::all;
}

}  // namespace

std::vector<std::string> notes_for(const KernelFeatures& k, bool forbids_outside) {
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    const Feature f = feature_at(i);
    if (k.has(f) || !matters(f, forbids_outside)) continue;
    const FeatureFacts& ff = facts(f);
    notes.push_back(std::string(ff.title) + " missing (" + k.missing[i] +
                    "): " + std::string(ff.without));
  }
  return notes;
}

BackstopNote::BackstopNote(const KernelFeatures& k, bool forbids_outside, const Diagnostics& diag)
    : diag_(diag) {
  if (forbids_outside && !k.has(Feature::landlock_signal_scope)) {
    why_ = k.missing[static_cast<std::size_t>(Feature::landlock_signal_scope)];
  }
}

void BackstopNote::refused(const SyscallEvent& ev) {
  if (why_.empty() || !ev.target || !leaves_sandbox(*ev.target)) return;
  if (said_.exchange(true, std::memory_order_relaxed)) return;
  diag_.say(std::string(kBackstopNote) + std::string(spec(ev.call.sys).name) + " aimed at " +
            std::to_string(ev.target->pid) + " (" + std::string(scope_name(ev.target->scope)) +
            ") was refused by sigvisor alone, Landlock's signal scope being unavailable (" + why_ +
            "); said once per run");
}

}  // namespace sigvisor
