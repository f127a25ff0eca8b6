// See tracee_memory.h.
#include "kernel/tracee_memory.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "unique_fd.h"

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

pid_t pidfd_target(pid_t tid, int fd) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", static_cast<int>(tid), fd);
  UniqueFd f(::open(path, O_RDONLY | O_CLOEXEC));
  if (!f.valid()) return -1;
  char buf[1024];
  ssize_t n = ::read(f.get(), buf, sizeof buf - 1);
  if (n <= 0) return -1;
  std::string_view text(buf, static_cast<std::size_t>(n));
  auto pos = text.find("\nPid:");
  if (pos == std::string_view::npos) return -1;  // not a pidfd
  pos += 5;
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  int pid = -1;
  std::from_chars(text.data() + pos, text.data() + text.size(), pid);
  return pid;  // -1 when the process has exited
}

}  // namespace sigvisor
