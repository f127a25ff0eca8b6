// See task_names.h.
#include "calls/task_names.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cstring>

namespace sigvisor {

void apply_rename(const SyscallEvent& ev, bool refused, RunState& sv) {
  const CallData& call = ev.call;
  if (refused || call.sys != Sys::prctl) return;
  if (static_cast<uint32_t>(call.regs[0]) != PR_SET_NAME) return;
  if (call.retval && *call.retval != 0) return;  // --results: it failed (EFAULT)
  const UserBuffer& name = call.mem[1];
  if (!name.read || !name.ok) return;
  // The kernel keeps at most 15 bytes and always ends the name with a NUL.
  Comm comm{};
  const auto* end = std::find(name.bytes.begin(), name.bytes.begin() + comm.size() - 1, 0);
  std::copy(name.bytes.begin(), end, comm.begin());
  sv.table.set_comm(ev.caller.tid, comm);
}

}  // namespace sigvisor
