// What the supervisor reads from the kernel about tasks: their memory and descriptors (the
// pointer and fd arguments of a call) and /proc (tasks not reported by ptrace yet, names
// of outside senders, exec facts). Behind an interface so that the call pipeline and
// sender attribution can be unit-tested with a fake (Sandbox2 keeps its kernel edges
// behind small interfaces for the same reason); LiveKernelView is the real one.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/kernel_features.h"
#include "model/call_data.h"
#include "tasks/process_table.h"

namespace sigvisor {

// What exec left behind: the new image's name, path and arguments.
struct ExecFacts {
  Comm comm{};
  std::string exe;
  std::vector<std::string> argv;
};

class KernelView {
 public:
  virtual ~KernelView() = default;
  // Fills call.mem[i] for every input (read_in) or output (read_out) pointer argument.
  virtual void read_in(pid_t tid, CallData& call) = 0;
  virtual void read_out(pid_t tid, CallData& call) = 0;
  // Reads `size` bytes at `addr`; false unless all were read.
  virtual bool read_memory(pid_t tid, uint64_t addr, void* buf, std::size_t size) = 0;
  // What the call's fd argument names (fd_target() in kernel/indirect_target.h), -1 none.
  virtual pid_t fd_target(pid_t tid, const CallData& call) = 0;
  // A task's tid, tgid, parent and name from /proc; nullopt when it is gone.
  virtual std::optional<TaskInfo> task(pid_t tid) = 0;
  // The name of `pid`, or nullopt when it is gone or started after `boottime_s` (then the
  // pid was reused by someone who cannot have sent a signal seen at that time).
  virtual std::optional<Comm> comm_if_started_before(pid_t pid, double boottime_s) = 0;
  virtual ExecFacts exec_facts(pid_t pid) = 0;
  // CLOCK_BOOTTIME in seconds: the clock /proc start times count from.
  virtual double boottime_now() = 0;
  // What the kernel can do for sigvisor (kernel/kernel_features.h); asked once a run.
  virtual KernelFeatures features() = 0;
};

// The kernel as it is: process_vm_readv, pidfd_getfd, /proc.
class LiveKernelView final : public KernelView {
 public:
  void read_in(pid_t tid, CallData& call) override;
  void read_out(pid_t tid, CallData& call) override;
  bool read_memory(pid_t tid, uint64_t addr, void* buf, std::size_t size) override;
  pid_t fd_target(pid_t tid, const CallData& call) override;
  std::optional<TaskInfo> task(pid_t tid) override;
  std::optional<Comm> comm_if_started_before(pid_t pid, double boottime_s) override;
  ExecFacts exec_facts(pid_t pid) override;
  double boottime_now() override;
  KernelFeatures features() override;
};

}  // namespace sigvisor
