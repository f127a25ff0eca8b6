// Scalar values as strace prints them: addresses (printaddr), hex numbers, signal numbers.
#include <cinttypes>
#include <cstdio>

#include "decode/decode_internal.h"
#include "names/signal_names.h"

namespace sigvisor::decode {

void format_hex(uint64_t v, std::string& out) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
  out += buf;
}

std::string hex_string(uint64_t v) {
  std::string s;
  format_hex(v, s);
  return s;
}

void format_addr(uint64_t addr, std::string& out) {
  if (addr == 0) {
    out += "NULL";
  } else {
    format_hex(addr, out);
  }
}

nlohmann::json ptr_json(uint64_t addr) {
  if (addr == 0) return nullptr;
  return hex_string(addr);
}

nlohmann::json addr_json(uint64_t addr) {
  if (addr == 0) return nullptr;
  return nlohmann::json{{"addr", hex_string(addr)}};
}

void format_signal(int sig, std::string& out) {
  out += signal_name(sig);
}

nlohmann::json signal_json(int sig) {
  if (sig >= 1 && sig <= kMaxSignal) return signal_name(sig);
  return sig;
}

}  // namespace sigvisor::decode
