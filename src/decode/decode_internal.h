// Building blocks shared by the decoder files: raw byte access, strace's printaddr, the
// pieces (signals, sets, flags, structs) that call_text.cc and call_json.cc assemble.
// Everything here is a pure function of its arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/call_data.h"

namespace sigvisor::decode {

// --- raw memory (the tracee has our byte order and, on 64-bit, our layout) ---

template <class T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// strace's printaddr: "NULL" for 0, else "0x7ffd1234".
void format_addr(uint64_t addr, std::string& out);
// "0x1f", or "0" for zero (strace's %#x).
void format_hex(uint64_t v, std::string& out);
std::string hex_string(uint64_t v);
// JSON for a pointer value inside a struct: null for NULL, else "0x...".
nlohmann::json ptr_json(uint64_t addr);
// JSON for a pointer argument that is not decoded: null for NULL, else {"addr": "0x..."}.
nlohmann::json addr_json(uint64_t addr);

// Whether `need` bytes of a pointer argument can be shown decoded.
inline bool readable(const UserBuffer& b, std::size_t need) {
  return b.addr != 0 && b.read && b.ok && b.size >= need && need <= b.bytes.size();
}

// strace's quoted string: "x", "\n", "\3", "\377", with `"` and `\` escaped.
void format_quoted_bytes(const uint8_t* p, std::size_t n, std::string& out);
// The bytes as a JSON string, each read as Latin-1 (one code point per byte).
nlohmann::json latin1_json(const uint8_t* p, std::size_t n);
// A task name as PR_SET_NAME reads it (16 bytes captured): its length up to a NUL within
// the first 15 bytes, or 15 with `truncated` (the kernel keeps 15 bytes; strace prints
// them followed by "...").
std::size_t task_name_length(const uint8_t* p, bool& truncated);

// --- signals ---

// printsignal: "SIGTERM", "SIGRT_3", or the number as a signed int.
void format_signal(int sig, std::string& out);
nlohmann::json signal_json(int sig);

// --- sets (sigset.cc); len is the byte length strace decodes, 1..8 ---

inline constexpr std::size_t kSigsetBytes = 8;  // NSIG_BYTES on Linux (64 signals)
void format_sigset(const uint8_t* bytes, std::size_t len, std::string& out);
nlohmann::json sigset_json(const uint8_t* bytes, std::size_t len);

// --- flags and enumerations (flags.cc) ---

struct Named {
  uint64_t value;
  std::string_view name;
};
struct FlagTable {
  std::span<const Named> entries;
  std::string_view unknown;  // "SA_???": strace's comment when no bit is known
};
extern const FlagTable kSigactionFlags;  // 64-bit sa_flags
extern const FlagTable kStackFlags;      // SS_*
extern const FlagTable kSfdFlags;        // SFD_*
extern const FlagTable kPidfdOpenFlags;  // PIDFD_*
extern const FlagTable kNoFlags;         // no names known: pidfd_send_signal's flags
extern const FlagTable kHowValues;       // SIG_BLOCK...: an enumeration, not bits
extern const FlagTable kAuditArchValues;
extern const FlagTable kFcntlCmdValues;   // the fcntl commands sigvisor intercepts
extern const FlagTable kIoctlValues;      // the ioctl requests sigvisor intercepts
extern const FlagTable kPrctlOptions;     // the prctl options sigvisor intercepts
extern const FlagTable kOwnerTypes;       // F_OWNER_TID...
extern const FlagTable kRlimitResources;  // RLIMIT_CPU...

// printflags: "SA_RESTORER|SA_RESTART", "SA_RESTART|0xe00", "0x40 /* SA_??? */", "0".
void format_flags(uint64_t v, const FlagTable& t, std::string& out);
// ["SA_RESTORER", "SA_RESTART", {"unknown": "0xe00"}]; [] for 0.
nlohmann::json flags_json(uint64_t v, const FlagTable& t);
// printxval: "SIG_BLOCK" or "0x7 /* SIG_??? */".
void format_xval(uint64_t v, const FlagTable& t, std::string& out);
// "SIG_BLOCK" or the number.
nlohmann::json xval_json(uint64_t v, const FlagTable& t);
const std::string_view* find_value(uint64_t v, const FlagTable& t);

// --- structs: each takes bytes already known to be readable and complete ---

inline constexpr std::size_t kSiginfoBytes = 128;
inline constexpr std::size_t kSigactionBytes = 32;  // handler, flags, restorer, mask
inline constexpr std::size_t kStackBytes = 24;      // ss_sp, ss_flags (+pad), ss_size
inline constexpr std::size_t kTimespecBytes = 16;

void format_siginfo(const uint8_t* p, std::string& out);
nlohmann::json siginfo_to_json(const uint8_t* p);
void format_sigaction(const uint8_t* p, std::string& out);
nlohmann::json sigaction_json(const uint8_t* p);
void format_stack(const uint8_t* p, std::string& out);
nlohmann::json stack_json(const uint8_t* p);
void format_timespec(const uint8_t* p, std::string& out);
nlohmann::json timespec_json(const uint8_t* p);
inline constexpr std::size_t kOwnerExBytes = 8;  // struct f_owner_ex: int type; pid_t pid
void format_owner_ex(const uint8_t* p, std::string& out);
nlohmann::json owner_ex_json(const uint8_t* p);
inline constexpr std::size_t kRlimitBytes = 16;  // struct rlimit64: rlim_cur, rlim_max (u64)
void format_rlimit(const uint8_t* p, std::string& out);
nlohmann::json rlimit_json(const uint8_t* p);

// --- errno (errno_text.cc) ---

// strace's name for an errno, including kernel-internal ones (ERESTARTSYS, ENOTSUPP, ...).
std::optional<std::string_view> strace_errno_name(int err);
// "EPERM" / "ERESTARTSYS" / the unsigned number, as strace prints si_errno.
void format_errno_value(uint32_t err, std::string& out);
nlohmann::json errno_json(uint32_t err);
// The result text of a failed call: "-1 EPERM (Operation not permitted)",
// "? ERESTARTNOHAND (To be restarted if no handler)", "-1 (errno 134)".
void format_error_result(int err, std::string& out);

// --- SIGSYS syscall numbers (syscall_names.cc) ---

// strace's si_syscall: "__NR_getpid" for the native personality, "4 /* write */" for a
// compat one, or the unsigned number when unknown.
void format_si_syscall(int32_t nr, uint32_t arch, std::string& out);

// --- the result of a call ---

// Linux reports failure as -1..-4095.
inline bool is_error(int64_t rv) {
  return rv < 0 && rv >= -4095;
}
inline bool succeeded(const CallData& c) {
  return c.retval.has_value() && !is_error(*c.retval);
}

}  // namespace sigvisor::decode
