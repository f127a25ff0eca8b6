// Signal sets as strace's sprintsigmask_n prints them: "[INT TERM]", "[]", "~[KILL STOP]".
// strace switches to the complemented form when at least 2/3 of the decoded bits are set,
// and names members without the SIG prefix (RTMIN, RT_1 ... RT_32 above 32).
#include <bit>

#include "decode/decode_internal.h"
#include "names/signal_names.h"

namespace sigvisor::decode {
namespace {

// The decoded words: strace reads `len` bytes into zeroed 32-bit words, (len + 3) / 4 of them.
struct Mask {
  uint64_t bits = 0;  // bit i is signal i + 1
  unsigned nbits = 0;
};

Mask load_mask(const uint8_t* bytes, std::size_t len) {
  if (len > kSigsetBytes) len = kSigsetBytes;
  uint8_t buf[kSigsetBytes] = {};
  std::memcpy(buf, bytes, len);
  Mask m;
  m.bits = load<uint64_t>(buf);
  m.nbits = static_cast<unsigned>((len + 3) / 4 * 32);
  return m;
}

void member_name(int sig, std::string& out) {
  std::string name = signal_name(sig);
  if (name.starts_with("SIG")) name.erase(0, 3);
  out += name;
}

}  // namespace

void format_sigset(const uint8_t* bytes, std::size_t len, std::string& out) {
  Mask m = load_mask(bytes, len);
  uint64_t all = m.nbits >= 64 ? ~uint64_t{0} : (uint64_t{1} << m.nbits) - 1;
  uint64_t shown = m.bits;
  if (static_cast<unsigned>(std::popcount(m.bits)) >= m.nbits * 2 / 3) {
    shown = ~m.bits & all;
    out += '~';
  }
  out += '[';
  bool first = true;
  for (unsigned i = 0; i < m.nbits; ++i) {
    if ((shown >> i & 1) == 0) continue;
    if (!first) out += ' ';
    first = false;
    member_name(static_cast<int>(i + 1), out);
  }
  out += ']';
}

nlohmann::json sigset_json(const uint8_t* bytes, std::size_t len) {
  Mask m = load_mask(bytes, len);
  nlohmann::json arr = nlohmann::json::array();
  for (unsigned i = 0; i < m.nbits; ++i) {
    if (m.bits >> i & 1) arr.push_back(signal_json(static_cast<int>(i + 1)));
  }
  return arr;
}

}  // namespace sigvisor::decode
