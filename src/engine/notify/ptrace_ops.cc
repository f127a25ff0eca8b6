// See ptrace_ops.h.
#include "engine/notify/ptrace_ops.h"

#include <cerrno>
#include <cstring>

namespace sigvisor {
namespace {

struct Request {
  __ptrace_request req;
  const char* name;
};

Request request_of(Resume how) {
  switch (how) {
    case Resume::cont:
      return {PTRACE_CONT, "ptrace(PTRACE_CONT)"};
    case Resume::syscall:
      return {PTRACE_SYSCALL, "ptrace(PTRACE_SYSCALL)"};
    case Resume::listen:
      return {PTRACE_LISTEN, "ptrace(PTRACE_LISTEN)"};
    case Resume::detach:
      return {PTRACE_DETACH, "ptrace(PTRACE_DETACH)"};
    case Resume::none:
      break;
  }
  return {PTRACE_CONT, "ptrace(PTRACE_CONT)"};
}

}  // namespace

bool PtraceOps::resume(pid_t pid, Resume how, int sig) {
  if (how == Resume::none) return true;
  const Request r = request_of(how);
  diag_.debug("%s %d sig %d", r.name, static_cast<int>(pid), sig);
  if (ptrace(r.req, pid, nullptr, sig) == 0) return true;
  diag_.call_failed(r.name, pid, errno);
  return false;
}

bool PtraceOps::interrupt(pid_t pid) {
  diag_.debug("ptrace(PTRACE_INTERRUPT) %d", static_cast<int>(pid));
  if (ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr) == 0) return true;
  diag_.call_failed("ptrace(PTRACE_INTERRUPT)", pid, errno);
  return false;
}

std::optional<unsigned long> PtraceOps::event_msg(pid_t pid) {
  unsigned long msg = 0;
  if (ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &msg) == 0) return msg;
  diag_.call_failed("ptrace(PTRACE_GETEVENTMSG)", pid, errno);
  return std::nullopt;
}

bool PtraceOps::siginfo(pid_t pid, siginfo_t& si) {
  std::memset(&si, 0, sizeof si);
  if (ptrace(PTRACE_GETSIGINFO, pid, nullptr, &si) == 0) return true;
  diag_.call_failed("ptrace(PTRACE_GETSIGINFO)", pid, errno);
  return false;
}

bool PtraceOps::syscall_info(pid_t pid, __ptrace_syscall_info& info) {
  std::memset(&info, 0, sizeof info);
  if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) > 0) return true;
  diag_.call_failed("ptrace(PTRACE_GET_SYSCALL_INFO)", pid, errno);
  return false;
}

}  // namespace sigvisor
