// struct rlimit64 (prlimit64's new_limit and old_limit) as strace 6.1 prints it:
// {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}. strace writes a value above 1024 that is
// a multiple of 1024 as "N*1024" (its sprint_rlim64), whatever the resource's unit.
#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

constexpr std::size_t kCur = 0, kMax = 8;
constexpr uint64_t kInfinity = ~uint64_t{0};  // RLIM64_INFINITY

void format_rlim(uint64_t v, std::string& out) {
  if (v == kInfinity) {
    out += "RLIM64_INFINITY";
  } else if (v > 1024 && v % 1024 == 0) {
    out += std::to_string(v / 1024);
    out += "*1024";
  } else {
    out += std::to_string(v);
  }
}

// The number itself (JSON has no "*1024"); the name for infinity, which as a number would
// exceed what many JSON readers hold exactly.
nlohmann::json rlim_json(uint64_t v) {
  if (v == kInfinity) return "RLIM64_INFINITY";
  return v;
}

}  // namespace

void format_rlimit(const uint8_t* p, std::string& out) {
  out += "{rlim_cur=";
  format_rlim(load<uint64_t>(p + kCur), out);
  out += ", rlim_max=";
  format_rlim(load<uint64_t>(p + kMax), out);
  out += '}';
}

nlohmann::json rlimit_json(const uint8_t* p) {
  return {{"rlim_cur", rlim_json(load<uint64_t>(p + kCur))},
          {"rlim_max", rlim_json(load<uint64_t>(p + kMax))}};
}

}  // namespace sigvisor::decode
