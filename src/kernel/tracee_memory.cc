// See tracee_memory.h.
#include "kernel/tracee_memory.h"

#include <sys/uio.h>

#include <cstring>

namespace sigvisor {
namespace {

void read_pointers(pid_t tid, CallData& call, bool (*want)(Arg)) {
  const SyscallSpec& s = spec(call.sys);
  for (int i = 0; i < s.nargs; ++i) {
    const Arg kind = arg_kind(s, call.regs, i);  // resolves an indirect call's command
    if (!want(kind)) continue;
    UserBuffer& b = call.mem[i];
    b.addr = call.regs[i];
    b.size = static_cast<uint16_t>(pointee_size(kind, call.regs, s));
    if (b.addr == 0 || b.size == 0) continue;
    b.read = true;
    b.ok = read_tracee(tid, b.addr, b.bytes.data(), b.size);
  }
}

}  // namespace

bool read_tracee(pid_t tid, uint64_t addr, void* buf, std::size_t size) {
  iovec local{buf, size};
  iovec remote{reinterpret_cast<void*>(addr), size};
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  return n == static_cast<ssize_t>(size);
}

void read_in_pointers(pid_t tid, CallData& call) {
  read_pointers(tid, call, [](Arg a) { return is_in_pointer(a); });
}

void read_out_pointers(pid_t tid, CallData& call) {
  read_pointers(tid, call, [](Arg a) { return is_out_pointer(a); });
}

}  // namespace sigvisor
