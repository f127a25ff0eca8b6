// format_call_text / format_result_text: a call and its result exactly as strace 6.1
// prints them ("kill(4243, SIGTERM)", "-1 ESRCH (No such process)", "10 (SIGUSR1)").
#include "decode/call_plan.h"
#include "decode/decode.h"
#include "names/signal_names.h"

namespace sigvisor {
namespace decode {
namespace {

void format_arg(const ArgPlan& a, std::string& out) {
  switch (a.view) {
    case View::int32:
      out += std::to_string(static_cast<int32_t>(a.value));
      break;
    case View::uint64:
      out += std::to_string(a.value);
      break;
    case View::signal:
      format_signal(static_cast<int32_t>(a.value), out);
      break;
    case View::how:
      format_xval(static_cast<uint32_t>(a.value), kHowValues, out);
      break;
    case View::flags32:
      format_flags(static_cast<uint32_t>(a.value), *a.table, out);
      break;
    case View::hex32:
      format_hex(static_cast<uint32_t>(a.value), out);
      break;
    case View::addr:
      format_addr(a.value, out);
      break;
    case View::sigset:
      format_sigset(a.buf->bytes.data(), a.len, out);
      break;
    case View::siginfo:
      format_siginfo(a.buf->bytes.data(), out);
      break;
    case View::sigaction:
      format_sigaction(a.buf->bytes.data(), out);
      break;
    case View::stack:
      format_stack(a.buf->bytes.data(), out);
      break;
    case View::timespec:
      format_timespec(a.buf->bytes.data(), out);
      break;
    case View::sigreturn:
      out += "{mask=";
      if (a.buf == nullptr) {
        out += '?';
      } else if (readable(*a.buf, a.len)) {
        format_sigset(a.buf->bytes.data(), a.len, out);
      } else {
        format_addr(a.value, out);
      }
      out += '}';
      break;
    case View::command:
      format_xval(static_cast<uint32_t>(a.value), *a.table, out);
      break;
    case View::hex64:
    case View::sig_hex:
      format_hex(a.value, out);
      break;
    case View::owner_ex:
      format_owner_ex(a.buf->bytes.data(), out);
      break;
    case View::int_ptr:
      out += '[';
      out += std::to_string(load<int32_t>(a.buf->bytes.data()));
      out += ']';
      break;
    case View::rlimit:
      format_rlimit(a.buf->bytes.data(), out);
      break;
    case View::byte_str:
      format_quoted_bytes(a.buf->bytes.data(), 1, out);
      break;
    case View::comm_str: {
      bool truncated = false;
      const std::size_t n = task_name_length(a.buf->bytes.data(), truncated);
      format_quoted_bytes(a.buf->bytes.data(), n, out);
      if (truncated) out += "...";
      break;
    }
  }
}

}  // namespace
}  // namespace decode

void format_call_text(const CallData& c, std::string& out) {
  const decode::CallPlan plan = decode::plan_call(c);
  if (static_cast<std::size_t>(c.sys) < kSysCount) out += spec(c.sys).name;
  out += '(';
  for (int i = 0; i < plan.nargs; ++i) {
    if (i > 0) out += ", ";
    decode::format_arg(plan.args[i], out);
  }
  out += ')';
}

void format_result_text(const CallData& c, std::string& out) {
  if (!c.retval) {
    out += '?';
    return;
  }
  const int64_t rv = *c.retval;
  if (decode::is_error(rv)) {
    decode::format_error_result(static_cast<int>(-rv), out);
    return;
  }
  out += std::to_string(rv);
  // rt_sigtimedwait returns a signal number, which strace names.
  if (c.sys == Sys::rt_sigtimedwait && rv >= 1 && rv <= kMaxSignal) {
    out += " (";
    out += signal_name(static_cast<int>(rv));
    out += ')';
  }
}

}  // namespace sigvisor
