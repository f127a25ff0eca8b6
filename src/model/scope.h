// Who a signal is aimed at (or came from), relative to the caller and the sandbox.
// Decided from the supervisor's own process table, never by guessing: doubt narrows
// a scope to `outside`, it never widens one to `sandbox`.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sigvisor {

enum class Scope : uint8_t {
  self,        // the calling process (or, for thread-directed calls, the calling thread)
  thread,      // another thread of the calling process
  child,       // a descendant of the caller inside the sandbox
  sandbox,     // another process under supervision
  outside,     // a process not under supervision, or a pid that does not exist
  supervisor,  // sigvisor itself, any of its threads, its process group or a group it is in
  init,        // pid 1
  group,       // a process group whose live members are all in the sandbox
  all,         // kill(-1, ...): every process the caller may signal
  kernel,      // delivery only: the kernel sent it (SIGSEGV, SIGCHLD, timers, ...)
  invalid,     // the kernel rejects the call on its arguments (tkill(-1), signal 65, an fd
               // that is no pidfd): nothing can be hit, the program gets the kernel's errno
};
inline constexpr std::size_t kScopeCount = 11;

std::string_view scope_name(Scope s);
std::optional<Scope> scope_by_name(std::string_view name);

// A process name as the kernel keeps it (TASK_COMM_LEN = 16, NUL-terminated).
using Comm = std::array<char, 16>;
inline std::string_view comm_view(const Comm& c) {
  std::size_t n = 0;
  while (n < c.size() && c[n] != '\0') ++n;
  return {c.data(), n};
}
Comm make_comm(std::string_view s);

// What a send-family call aims at.
struct Target {
  int64_t pid = 0;  // process (or -pgid for groups, -1 for all) as passed
  int64_t tid = 0;  // thread for tkill/tgkill/rt_tgsigqueueinfo, else 0
  Scope scope = Scope::outside;
  bool exists = false;  // the process was found (table or /proc) when decided
  Comm comm{};
  // Scope `invalid` on an fd argument: the errno the kernel gives (EBADF), which the
  // supervisor answers itself since another thread could swap the fd before the kernel
  // looks. 0 when the call can go to the kernel (register-only arguments).
  int own_errno = 0;
};

}  // namespace sigvisor
