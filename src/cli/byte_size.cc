// See byte_size.h.
#include "cli/byte_size.h"

#include <charconv>
#include <string>

namespace sigvisor {

Result<uint64_t> parse_byte_size(std::string_view text) {
  const std::string shown(text);
  uint64_t n = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [p, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || p == begin) {
    return make_error("size '" + shown + "': expected a number of bytes, e.g. 8M");
  }
  uint64_t unit = 1;
  if (p != end) {
    switch (*p) {
      case 'K':
      case 'k':
        unit = uint64_t{1} << 10;
        break;
      case 'M':
      case 'm':
        unit = uint64_t{1} << 20;
        break;
      case 'G':
      case 'g':
        unit = uint64_t{1} << 30;
        break;
      default:
        return make_error("size '" + shown + "': unknown unit (expected K, M or G)");
    }
    ++p;
  }
  if (p != end) return make_error("size '" + shown + "': unexpected text after the unit");
  if (n > (UINT64_MAX / unit)) return make_error("size '" + shown + "': too large");
  return n * unit;
}

Result<uint32_t> ring_buffer_size(uint64_t wanted) {
  constexpr uint64_t kMin = uint64_t{64} << 10;
  constexpr uint64_t kMax = uint64_t{1} << 30;
  if (wanted < kMin || wanted > kMax) {
    return make_error("--buffer " + std::to_string(wanted) + " bytes: expected between 64K and 1G");
  }
  uint64_t size = kMin;
  while (size < wanted) size <<= 1;
  return static_cast<uint32_t>(size);
}

}  // namespace sigvisor
