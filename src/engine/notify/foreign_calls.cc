// See foreign_calls.h.
#include "engine/notify/foreign_calls.h"

#include <cerrno>

#include "kernel/registers.h"
#include "kernel/seccomp_filter.h"

namespace sigvisor {

bool is_foreign_refusal(const __ptrace_syscall_info& info) {
  return info.op == PTRACE_SYSCALL_INFO_SECCOMP && info.seccomp.ret_data == kForeignAbiTraceData;
}

void refuse_foreign_call(pid_t tid, const __ptrace_syscall_info& info, StopContext& c) {
  ForeignCallEvent ev;
  ev.caller = ref_of(c.sv.task(tid));
  ForeignCall f = ArchMap::describe_foreign(info.arch, info.seccomp.nr);
  ev.abi = f.abi;
  ev.name = std::move(f.name);
  ev.nr = info.seccomp.nr;
  for (std::size_t i = 0; i < ev.regs.size(); ++i) ev.regs[i] = info.seccomp.args[i];
  ev.err = ENOSYS;
  if (!refuse_syscall(tid, ev.err)) {
    c.sv.diag.debug("foreign call %s:%s of %d could not be refused: killing it", ev.abi.c_str(),
                    ev.name.c_str(), static_cast<int>(tid));
    c.sv.tree.kill_process(ev.caller.pid);
  }
  c.sv.record(std::move(ev));
}

}  // namespace sigvisor
