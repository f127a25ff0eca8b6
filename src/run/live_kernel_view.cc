// See kernel_view.h: the real kernel behind the KernelView interface (process_vm_readv,
// pidfd_getfd, and /proc through kernel/proc_reader.h).
#include "kernel/indirect_target.h"
#include "kernel/proc_reader.h"
#include "kernel/tracee_memory.h"
#include "run/kernel_view.h"

namespace sigvisor {

void LiveKernelView::read_in(pid_t tid, CallData& call) {
  read_in_pointers(tid, call);
}

void LiveKernelView::read_out(pid_t tid, CallData& call) {
  read_out_pointers(tid, call);
}

bool LiveKernelView::read_memory(pid_t tid, uint64_t addr, void* buf, std::size_t size) {
  return read_tracee(tid, addr, buf, size);
}

pid_t LiveKernelView::fd_target(pid_t tid, const CallData& call) {
  return sigvisor::fd_target(tid, call);
}

std::optional<TaskInfo> LiveKernelView::task(pid_t tid) {
  return read_task_from_proc(tid);
}

std::optional<Comm> LiveKernelView::comm_if_started_before(pid_t pid, double boottime_s) {
  return read_comm_if_started_before(pid, boottime_s);
}

ExecFacts LiveKernelView::exec_facts(pid_t pid) {
  ExecFacts f;
  f.comm = read_comm(pid).value_or(Comm{});
  f.exe = read_exe(pid);
  f.argv = read_cmdline(pid);
  return f;
}

double LiveKernelView::boottime_now() {
  return sigvisor::boottime_now();
}

KernelFeatures LiveKernelView::features() {
  return probe_kernel_features();
}

}  // namespace sigvisor
