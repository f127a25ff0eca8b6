// siginfo_t (128 bytes, 64-bit layout) as strace 6.1's printsiginfo prints it: si_signo,
// si_code, then the union members that si_code and the signal select, in strace's order.
// One list of fields feeds both the text and the JSON, so they always carry the same facts.
#include <csignal>
#include <cstdio>
#include <functional>
#include <vector>

#include "decode/decode.h"
#include "decode/decode_internal.h"
#include "names/signal_names.h"

namespace sigvisor::decode {
namespace {

// Offsets in the 64-bit siginfo_t.
constexpr std::size_t kSigno = 0, kErrno = 4, kCode = 8;
constexpr std::size_t kPid = 16, kUid = 20;                       // kill, rt, sigchld
constexpr std::size_t kTimerid = 16, kOverrun = 20;               // timer
constexpr std::size_t kSigval = 24;                               // rt, timer: si_int / si_ptr
constexpr std::size_t kStatus = 24, kUtime = 32, kStime = 40;     // sigchld
constexpr std::size_t kAddr = 16, kAddrLsb = 24;                  // sigfault
constexpr std::size_t kLower = 32, kUpper = 40, kPkey = 32;       // sigfault, SEGV_BNDERR/PKUERR
constexpr std::size_t kBand = 16, kFd = 24;                       // sigpoll
constexpr std::size_t kCallAddr = 16, kSyscall = 24, kArch = 28;  // sigsys

constexpr int kClockTicks = 100;  // USER_HZ: strace prints si_utime as "5 /* 0.05 s */"

// si_code names come from si_code_name() (names/signal_names.h): the same table the policy
// language uses, in strace 6.1's spelling.

// One printed field: its strace text and its JSON value.
struct Field {
  std::string_view name;
  std::string text;
  nlohmann::json json;
};
using Fields = std::vector<Field>;

std::string dec(int64_t v) {
  return std::to_string(v);
}
std::string udec(uint64_t v) {
  return std::to_string(v);
}
std::string addr_text(uint64_t a) {
  std::string s;
  format_addr(a, s);
  return s;
}

void add_source(const uint8_t* p, Fields& f) {
  int32_t pid = load<int32_t>(p + kPid);
  uint32_t uid = load<uint32_t>(p + kUid);
  f.push_back({"si_pid", dec(pid), pid});
  // strace's PRINT_FIELD_ID: (uid_t) -1 prints as -1.
  if (uid == UINT32_MAX) {
    f.push_back({"si_uid", "-1", -1});
  } else {
    f.push_back({"si_uid", udec(uid), uid});
  }
}

void add_sigval(const uint8_t* p, Fields& f) {
  int32_t i = load<int32_t>(p + kSigval);
  uint64_t ptr = load<uint64_t>(p + kSigval);
  f.push_back({"si_int", dec(i), i});
  f.push_back({"si_ptr", addr_text(ptr), ptr_json(ptr)});
}

void add_clock(std::string_view name, uint64_t ticks, Fields& f) {
  std::string t = udec(ticks);
  if (ticks != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(ticks % kClockTicks));
    t += " /* " + udec(ticks / kClockTicks) + "." + frac + " s */";
  }
  f.push_back({name, std::move(t), ticks});
}

void add_addr(std::string_view name, const uint8_t* p, std::size_t off, Fields& f) {
  uint64_t a = load<uint64_t>(p + off);
  f.push_back({name, addr_text(a), ptr_json(a)});
}

void add_poll(const uint8_t* p, Fields& f) {
  int64_t band = load<int64_t>(p + kBand);
  int32_t fd = load<int32_t>(p + kFd);
  f.push_back({"si_band", dec(band), band});
  f.push_back({"si_fd", dec(fd), fd});
}

// Codes <= 0 come from user space (SI_FROMUSER): the layout follows the code.
void add_user_fields(const uint8_t* p, int code, Fields& f) {
  switch (code) {
    case SI_USER:
    case SI_TKILL:
      add_source(p, f);
      break;
    case SI_TIMER: {
      uint32_t timerid = load<uint32_t>(p + kTimerid);
      int32_t overrun = load<int32_t>(p + kOverrun);
      f.push_back({"si_timerid", hex_string(timerid), timerid});
      f.push_back({"si_overrun", dec(overrun), overrun});
      add_sigval(p, f);
      break;
    }
    case SI_SIGIO:
      add_poll(p, f);
      break;
    default:
      add_source(p, f);
      if (load<uint64_t>(p + kSigval) != 0) add_sigval(p, f);
      break;
  }
}

// Codes > 0 are the kernel's: the layout follows the signal.
void add_kernel_fields(const uint8_t* p, int sig, int code, Fields& f) {
  switch (sig) {
    case SIGCHLD: {
      add_source(p, f);
      int32_t status = load<int32_t>(p + kStatus);
      if (code == CLD_EXITED) {
        f.push_back({"si_status", dec(status), status});
      } else {
        f.push_back({"si_status", signal_name(status), signal_json(status)});
      }
      add_clock("si_utime", load<uint64_t>(p + kUtime), f);
      add_clock("si_stime", load<uint64_t>(p + kStime), f);
      break;
    }
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
      add_addr("si_addr", p, kAddr, f);
      break;
    case SIGBUS:
      add_addr("si_addr", p, kAddr, f);
      if (code == BUS_MCEERR_AR || code == BUS_MCEERR_AO) {
        uint16_t lsb = load<uint16_t>(p + kAddrLsb);
        f.push_back({"si_addr_lsb", hex_string(lsb), lsb});
      }
      break;
    case SIGSEGV:
      add_addr("si_addr", p, kAddr, f);
      if (code == SEGV_BNDERR) {
        add_addr("si_lower", p, kLower, f);
        add_addr("si_upper", p, kUpper, f);
      } else if (code == SEGV_PKUERR) {
        uint32_t pkey = load<uint32_t>(p + kPkey);
        f.push_back({"si_pkey", udec(pkey), pkey});
      }
      break;
    case SIGIO:
      if (code >= POLL_IN && code <= POLL_HUP) add_poll(p, f);  // strace 6.1: all six
      break;
    case SIGSYS: {
      add_addr("si_call_addr", p, kCallAddr, f);
      int32_t nr = load<int32_t>(p + kSyscall);
      uint32_t arch = load<uint32_t>(p + kArch);
      std::string t;
      format_si_syscall(nr, arch, t);
      f.push_back({"si_syscall", std::move(t), static_cast<uint32_t>(nr)});
      t.clear();
      format_xval(arch, kAuditArchValues, t);
      f.push_back({"si_arch", std::move(t), xval_json(arch, kAuditArchValues)});
      break;
    }
    default:
      if (load<int32_t>(p + kPid) != 0 || load<uint32_t>(p + kUid) != 0) add_source(p, f);
      if (load<uint64_t>(p + kSigval) != 0) add_sigval(p, f);
      break;
  }
}

Fields siginfo_fields(const uint8_t* p) {
  Fields f;
  int32_t sig = load<int32_t>(p + kSigno);
  if (sig == 0) return f;  // strace prints "{}"
  int32_t code = load<int32_t>(p + kCode);
  f.push_back({"si_signo", signal_name(sig), signal_json(sig)});
  if (auto name = si_code_name(sig, code)) {
    f.push_back({"si_code", std::string(*name), std::string(*name)});
  } else {
    f.push_back({"si_code", hex_string(static_cast<uint32_t>(code)), code});
  }
  uint32_t err = load<uint32_t>(p + kErrno);
  if (err != 0) {
    std::string t;
    format_errno_value(err, t);
    f.push_back({"si_errno", std::move(t), errno_json(err)});
  }
  if (code <= 0) {
    add_user_fields(p, code, f);
  } else {
    add_kernel_fields(p, sig, code, f);
  }
  return f;
}

}  // namespace

void format_siginfo(const uint8_t* p, std::string& out) {
  out += '{';
  bool first = true;
  for (const Field& field : siginfo_fields(p)) {
    if (!first) out += ", ";
    first = false;
    out += field.name;
    out += '=';
    out += field.text;
  }
  out += '}';
}

nlohmann::json siginfo_to_json(const uint8_t* p) {
  nlohmann::json j = nlohmann::json::object();
  for (Field& field : siginfo_fields(p)) j[std::string(field.name)] = std::move(field.json);
  return j;
}

}  // namespace sigvisor::decode

namespace sigvisor {

void format_siginfo_text(const uint8_t* info128, std::string& out) {
  if (info128 == nullptr) {
    out += "NULL";
    return;
  }
  decode::format_siginfo(info128, out);
}

nlohmann::json siginfo_json(const uint8_t* info128) {
  if (info128 == nullptr) return nullptr;
  return decode::siginfo_to_json(info128);
}

}  // namespace sigvisor
