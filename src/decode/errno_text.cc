// errno values as strace 6.1 prints them: in a failed call's result ("-1 EPERM (...)",
// "? ERESTARTSYS (...)", "-1 (errno 134)") and in siginfo's si_errno. strace knows the
// kernel-internal codes 512..530 that glibc has no name for.
#include <cstring>

#include "decode/decode_internal.h"
#include "names/signal_names.h"

namespace sigvisor::decode {
namespace {

constexpr int kErestartsys = 512;
constexpr int kErestartnointr = 513;
constexpr int kErestartnohand = 514;
constexpr int kErestartRestartblock = 516;

// include/linux/errno.h: never seen by user space in a finished call, but a denial or a
// stop can carry them. 519 and 520 have no name in strace 6.1.
constexpr Named kKernelInternal[] = {
    {512, "ERESTARTSYS"},
    {513, "ERESTARTNOINTR"},
    {514, "ERESTARTNOHAND"},
    {515, "ENOIOCTLCMD"},
    {516, "ERESTART_RESTARTBLOCK"},
    {517, "EPROBE_DEFER"},
    {518, "EOPENSTALE"},
    {521, "EBADHANDLE"},
    {522, "ENOTSYNC"},
    {523, "EBADCOOKIE"},
    {524, "ENOTSUPP"},
    {525, "ETOOSMALL"},
    {526, "ESERVERFAULT"},
    {527, "EBADTYPE"},
    {528, "EJUKEBOX"},
    {529, "EIOCBQUEUED"},
    {530, "ERECALLCONFLICT"},
};

// The restart codes print as "? NAME (text)": the call did not finish.
constexpr Named kRestart[] = {
    {kErestartsys, "To be restarted if SA_RESTART is set"},
    {kErestartnointr, "To be restarted"},
    {kErestartnohand, "To be restarted if no handler"},
    {kErestartRestartblock, "Interrupted by signal"},
};

}  // namespace

std::optional<std::string_view> strace_errno_name(int err) {
  if (err <= 0) return std::nullopt;
  for (const Named& e : kKernelInternal) {
    if (e.value == static_cast<uint64_t>(err)) return e.name;
  }
  return errno_name(err);
}

void format_errno_value(uint32_t err, std::string& out) {
  if (err <= 4095) {
    if (auto name = strace_errno_name(static_cast<int>(err))) {
      out += *name;
      return;
    }
  }
  out += std::to_string(err);
}

nlohmann::json errno_json(uint32_t err) {
  if (err <= 4095) {
    if (auto name = strace_errno_name(static_cast<int>(err))) return std::string(*name);
  }
  return err;
}

void format_error_result(int err, std::string& out) {
  auto name = strace_errno_name(err);
  for (const Named& r : kRestart) {
    if (r.value == static_cast<uint64_t>(err)) {
      out += "? ";
      out += *name;
      out += " (";
      out += r.name;
      out += ')';
      return;
    }
  }
  if (!name) {
    out += "-1 (errno ";
    out += std::to_string(err);
    out += ')';
    return;
  }
  if (errno_name(err)) {
    out += errno_result_text(err);  // "-1 EPERM (Operation not permitted)"
    return;
  }
  out += "-1 ";
  out += *name;
  out += " (Unknown error ";
  out += std::to_string(err);
  out += ')';
}

}  // namespace sigvisor::decode
