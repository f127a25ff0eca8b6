// struct timespec (64-bit tv_sec, tv_nsec) as strace 6.1 prints it: {tv_sec=1, tv_nsec=0},
// tv_sec signed and tv_nsec unsigned (a negative tv_nsec prints as 18446744073709551615).
#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

constexpr std::size_t kSec = 0, kNsec = 8;

}  // namespace

void format_timespec(const uint8_t* p, std::string& out) {
  out += "{tv_sec=";
  out += std::to_string(load<int64_t>(p + kSec));
  out += ", tv_nsec=";
  out += std::to_string(load<uint64_t>(p + kNsec));
  out += '}';
}

nlohmann::json timespec_json(const uint8_t* p) {
  return {{"tv_sec", load<int64_t>(p + kSec)}, {"tv_nsec", load<uint64_t>(p + kNsec)}};
}

}  // namespace sigvisor::decode
