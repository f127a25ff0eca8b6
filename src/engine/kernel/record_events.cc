// See record_events.h.
#include "engine/kernel/record_events.h"

#include <linux/audit.h>
#include <signal.h>

#include <algorithm>
#include <cstring>

namespace sigvisor {
namespace {

#if defined(__x86_64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#else
constexpr uint32_t kNativeArch = 0;
#endif

constexpr std::size_t kCallFixed = offsetof(sv_call, buf);

}  // namespace

uint32_t record_type(const void* data, std::size_t size) {
  if (size < sizeof(sv_header)) return 0;
  sv_header h;
  std::memcpy(&h, data, sizeof h);
  std::size_t need = 0;
  switch (h.type) {
    case SV_REC_CALL:
      need = kCallFixed;
      break;
    case SV_REC_SPAWN:
      need = sizeof(sv_spawn);
      break;
    case SV_REC_EXEC:
      need = offsetof(sv_exec, argv);
      break;
    case SV_REC_EXIT:
      need = sizeof(sv_exit);
      break;
    case SV_REC_SEND:
      need = sizeof(sv_send);
      break;
    case SV_REC_DELIVER:
      need = sizeof(sv_deliver);
      break;
    default:
      return 0;
  }
  return size >= need ? h.type : 0;
}

std::optional<CallData> call_data_of(const sv_call& r, std::size_t size) {
  auto sys = sys_by_native_nr(static_cast<long>(r.nr));
  if (!sys || r.nbuf > SV_MAX_PTRS) return std::nullopt;
  CallData c;
  c.sys = *sys;
  c.arch = kNativeArch;
  for (int i = 0; i < 6; ++i) c.regs[static_cast<std::size_t>(i)] = r.args[i];
  for (uint32_t n = 0; n < r.nbuf; ++n) {
    const sv_buffer& b = r.buf[n];
    const std::size_t end = kCallFixed + n * sizeof(sv_buffer) + offsetof(sv_buffer, bytes) +
                            std::min<std::size_t>(b.size, SV_PTR_BYTES);
    if (b.arg >= 6 || end > size) return std::nullopt;
    UserBuffer& u = c.mem[b.arg];
    u.addr = b.addr;
    u.size = std::min<uint16_t>(b.size, SV_PTR_BYTES);
    u.read = b.read != 0;
    u.ok = b.ok != 0;
    if (u.ok) std::memcpy(u.bytes.data(), b.bytes, u.size);
  }
  if (r.unfinished == 0) c.retval = r.ret;
  return c;
}

Comm comm_of(const char (&comm)[SV_COMM_LEN]) {
  Comm c{};
  const std::size_t n = strnlen(comm, SV_COMM_LEN - 1);
  std::memcpy(c.data(), comm, n);
  return c;
}

ProcRef caller_of(const sv_header& h, const char (&comm)[SV_COMM_LEN]) {
  return ProcRef{static_cast<pid_t>(h.tgid), static_cast<pid_t>(h.tid), comm_of(comm)};
}

SpawnEvent spawn_event_of(const sv_spawn& r) {
  SpawnEvent ev;
  ev.parent = caller_of(r.h, r.comm);
  ev.child_pid = static_cast<pid_t>(r.child_tgid);
  ev.child_tid = static_cast<pid_t>(r.child_tid);
  ev.thread = r.thread != 0;
  ev.kind = r.kind == SV_SPAWN_VFORK   ? SpawnKind::vfork
            : r.kind == SV_SPAWN_CLONE ? SpawnKind::clone
                                       : SpawnKind::fork;
  return ev;
}

std::vector<std::string> split_argv(const char* bytes, std::size_t len) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < len; ++i) {
    if (bytes[i] != '\0') continue;
    out.emplace_back(bytes + start, i - start);
    start = i + 1;
  }
  if (start < len) out.emplace_back(bytes + start, len - start);  // cut short
  return out;
}

bool kernel_made(int code) {
  return code > 0 || code == SI_KERNEL || code == SI_TIMER || code == SI_ASYNCIO ||
         code == SI_SIGIO || code == SI_DETHREAD || code == SI_ASYNCNL;
}

bool caller_written(int code) {
  return code < 0 && code != SI_TKILL && !kernel_made(code);
}

}  // namespace sigvisor
