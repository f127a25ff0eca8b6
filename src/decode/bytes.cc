// Byte strings as strace 6.1 quotes them (its string_quote without -x): printable ASCII
// as is, `"` and `\` escaped, \t \n \v \f \r by name, anything else in octal with as few
// digits as the next byte allows (three when an octal digit follows, so "\0" + "1" stays
// "\0001"). And the same bytes as a JSON string, one Latin-1 code point per byte.
#include "decode/decode_internal.h"

namespace sigvisor::decode {
namespace {

char named_escape(uint8_t c) {
  switch (c) {
    case '\t':
      return 't';
    case '\n':
      return 'n';
    case '\v':
      return 'v';
    case '\f':
      return 'f';
    case '\r':
      return 'r';
    default:
      return 0;
  }
}

}  // namespace

void format_quoted_bytes(const uint8_t* p, std::size_t n, std::string& out) {
  out += '"';
  for (std::size_t i = 0; i < n; ++i) {
    const uint8_t c = p[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (char e = named_escape(c)) {
      out += '\\';
      out += e;
    } else if (c >= ' ' && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      const bool octal_follows = i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '7';
      out += '\\';
      if (octal_follows || c >= 0100) out += static_cast<char>('0' + (c >> 6));
      if (octal_follows || c >= 010) out += static_cast<char>('0' + ((c >> 3) & 7));
      out += static_cast<char>('0' + (c & 7));
    }
  }
  out += '"';
}

std::size_t task_name_length(const uint8_t* p, bool& truncated) {
  constexpr std::size_t kMax = 15;  // TASK_COMM_LEN - 1
  for (std::size_t i = 0; i < kMax; ++i) {
    if (p[i] == 0) {
      truncated = false;
      return i;
    }
  }
  truncated = true;
  return kMax;
}

nlohmann::json latin1_json(const uint8_t* p, std::size_t n) {
  std::string utf8;
  for (std::size_t i = 0; i < n; ++i) {
    if (p[i] < 0x80) {
      utf8 += static_cast<char>(p[i]);
    } else {  // U+0080..U+00FF in UTF-8: two bytes
      utf8 += static_cast<char>(0xc0 | (p[i] >> 6));
      utf8 += static_cast<char>(0x80 | (p[i] & 0x3f));
    }
  }
  return utf8;
}

}  // namespace sigvisor::decode
