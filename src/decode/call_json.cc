// args_json: a call's arguments as JSON, keyed by SyscallSpec::arg_names.
//
// Conventions (shared with siginfo_json):
//  - pid, tid, fd: integers (the register as a C int, so -1 stays -1); sizes: unsigned integers.
//  - signals: "SIGTERM", "SIGRTMIN", "SIGRT_3"; a number when the value has no name (0, 65, -1).
//  - how and other enumerations: "SIG_BLOCK"; the number when unknown.
//  - flags: an array of names in strace's order, [] for 0; bits without a name add one
//    trailing element {"unknown": "0x..."}.
//  - sets: the member signals as an array of names (["SIGINT", "SIGTERM"]), never the
//    complemented "~[...]" shorthand of the text.
//  - structs (siginfo, sigaction, stack_t, timespec): objects with strace's field names;
//    pointer-valued fields are "0x..." strings or null for NULL.
//  - pointer arguments: null when NULL; {"addr": "0x..."} when not decoded: unreadable,
//    a size strace does not decode, or an out-parameter of a call that failed or whose
//    result is not known yet (out-parameters are only decoded after success).
//  - rt_sigreturn: {"mask": [...]} from the signal frame when captured, else {}.
//  - indirect calls: the command as its name ("F_SETOWN"); F_SETOWN's owner an integer,
//    F_SETOWN_EX's {"type": "F_OWNER_PID", "pid": 42}, FIOSETOWN's int an integer, the
//    signal of F_SETSIG / TIOCSIG / PR_SET_PDEATHSIG a signal (text shows TIOCSIG's as hex,
//    as strace does); an argument of a command sigvisor does not intercept "0x...".
//  - TIOCSTI's byte: a one-character string, the byte read as Latin-1 (U+0000..U+00FF, so
//    every byte has one and JSON escapes the control characters); TIOCSPGRP's group and
//    TIOCSETD's line discipline integers, as strace's "[4242]"; TIOCSCTTY's flag an integer.
//  - prlimit64: the resource as its name ("RLIMIT_CPU"), the limits as {"rlim_cur": 1,
//    "rlim_max": "RLIM64_INFINITY"} (plain numbers: the text's "8192*1024" is strace's
//    shorthand, not a different value).
#include "decode/call_plan.h"
#include "decode/decode.h"

namespace sigvisor {
namespace decode {
namespace {

nlohmann::json arg_json(const ArgPlan& a) {
  switch (a.view) {
    case View::int32:
      return static_cast<int32_t>(a.value);
    case View::uint64:
      return a.value;
    case View::signal:
      return signal_json(static_cast<int32_t>(a.value));
    case View::how:
      return xval_json(static_cast<uint32_t>(a.value), kHowValues);
    case View::flags32:
      return flags_json(static_cast<uint32_t>(a.value), *a.table);
    case View::hex32:
      return flags_json(static_cast<uint32_t>(a.value), kNoFlags);
    case View::addr:
      return addr_json(a.value);
    case View::sigset:
      return sigset_json(a.buf->bytes.data(), a.len);
    case View::siginfo:
      return siginfo_to_json(a.buf->bytes.data());
    case View::sigaction:
      return sigaction_json(a.buf->bytes.data());
    case View::stack:
      return stack_json(a.buf->bytes.data());
    case View::timespec:
      return timespec_json(a.buf->bytes.data());
    case View::sigreturn:
      if (readable(*a.buf, a.len)) return sigset_json(a.buf->bytes.data(), a.len);
      return addr_json(a.value);
    case View::command:
      return xval_json(static_cast<uint32_t>(a.value), *a.table);
    case View::hex64:
      return hex_string(a.value);
    case View::sig_hex:
      return signal_json(static_cast<int32_t>(a.value));
    case View::owner_ex:
      return owner_ex_json(a.buf->bytes.data());
    case View::int_ptr:
      return load<int32_t>(a.buf->bytes.data());
    case View::rlimit:
      return rlimit_json(a.buf->bytes.data());
    case View::byte_str:
      return latin1_json(a.buf->bytes.data(), 1);
    case View::comm_str: {  // the name the task gets: what the kernel keeps
      bool truncated = false;
      return latin1_json(a.buf->bytes.data(), task_name_length(a.buf->bytes.data(), truncated));
    }
  }
  return nullptr;
}

}  // namespace
}  // namespace decode

nlohmann::json args_json(const CallData& c) {
  const decode::CallPlan plan = decode::plan_call(c);
  nlohmann::json j = nlohmann::json::object();
  for (int i = 0; i < plan.nargs; ++i) {
    const decode::ArgPlan& a = plan.args[i];
    if (a.view == decode::View::sigreturn && a.buf == nullptr) continue;  // nothing captured
    j[std::string(plan.names[i])] = decode::arg_json(a);
  }
  return j;
}

}  // namespace sigvisor
