// The kernel engine's BPF programs (kernel_engine.bpf.c) as one object: loaded (the
// verifier checks them; their settings are fixed before), their tables filled, attached
// for the run and detached at its end. A failure is one line naming what the kernel
// refused (the verifier's last words, a missing kfunc, EPERM from lockdown).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/kernel/kernel_plan.h"

struct kernel_engine;  // the libbpf skeleton (kernel_engine.skel.h)

namespace sigvisor {

class BpfPrograms {
 public:
  struct Settings {
    pid_t loader = 0;                 // sigvisor: when it dies, the programs kill the tree
    uint32_t buffer_bytes = 8 << 20;  // the ring buffer (a power of two, >= a page)
  };
  static Result<std::unique_ptr<BpfPrograms>> load(const Settings& settings);
  ~BpfPrograms();
  BpfPrograms(const BpfPrograms&) = delete;
  BpfPrograms& operator=(const BpfPrograms&) = delete;

  // Which calls are recorded in the kernel, and how (kernel_plan.h). Before attach().
  Status set_rules(const std::vector<NumberedRule>& rules);
  // A task joins the tree (the launched program before its exec; -p's processes).
  Status add_member(pid_t tid, pid_t tgid, pid_t ptgid);
  Status attach();
  // Detaches every program: nothing of the run stays attached.
  void detach();

  int records_fd() const;
  int members_fd() const;
  // Records the kernel could not write (a full ring buffer), summed over CPUs.
  uint64_t drops() const;

 private:
  explicit BpfPrograms(kernel_engine* skel) : skel_(skel) {}
  kernel_engine* skel_;
};

}  // namespace sigvisor
