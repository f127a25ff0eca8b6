// Strict JSON reading for policy files: nlohmann's parser with its exceptions caught and
// turned into one-line errors, plus duplicate-key detection (nlohmann silently keeps one of
// the two values, which in a security policy would make `"action"` mean whichever came last).
#include "policy/policy_json.h"

#include <cstdio>
#include <vector>

#include "policy/policy_internal.h"

namespace sigvisor {
namespace policy_internal {
namespace {

constexpr int kMaxDepth = 32;

bool is_blank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

// Line and column (1-based) of byte offset `pos` (0-based), as an editor counts them.
void line_column(std::string_view text, std::size_t pos, std::size_t& line, std::size_t& col) {
  line = 1;
  col = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
}

// Bytes that are not printable ASCII as \xNN: nlohmann echoes the offending input raw.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

// nlohmann's what(): "[json.exception.parse_error.101] parse error at line 3, column 5:
// syntax error while parsing value - invalid literal; last read: 'x'". Keep what follows
// the position; fall back to the whole text after the bracketed id.
std::string parse_reason(const std::string& what) {
  auto col = what.find(", column ");
  if (col != std::string::npos) {
    auto colon = what.find(": ", col);
    if (colon != std::string::npos) return printable(what.substr(colon + 2));
  }
  auto bracket = what.find("] ");
  return printable(bracket == std::string::npos ? what : what.substr(bracket + 2));
}

// Where nesting first exceeds `max_depth` (byte offset), or npos. nlohmann parses any depth,
// but copies values recursively when an ordered object grows, so a hostile file 10000 levels
// deep would overflow the stack; no policy needs more than 5 levels.
std::size_t too_deep_at(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Tracks where the parser is, to name the path of a repeated key.
struct Frame {
  bool array = false;
  std::size_t next_index = 0;  // arrays: index the next element will get
  std::string key;             // objects: the key being read
  std::vector<std::string> seen;
};

std::string frames_path(const std::vector<Frame>& stack) {
  std::string path;
  // Every frame but the innermost contributes the position of its open child.
  for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
    const Frame& f = stack[i];
    path = f.array ? path_index(path, f.next_index - 1) : path_key(path, f.key);
  }
  return path;
}

}  // namespace

std::string path_key(std::string_view base, std::string_view key) {
  bool plain = !key.empty();
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '$';
    if (!ok) plain = false;
  }
  std::string out(base);
  if (plain) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    out += quote_value(key);
    out += ']';
  }
  return out;
}

std::string path_index(std::string_view base, std::size_t index) {
  std::string out(base);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string quote_value(std::string_view s) {
  constexpr std::size_t kMax = 64;
  bool cut = s.size() > kMax;
  if (cut) {
    s = s.substr(0, kMax);
    // Do not split a UTF-8 sequence: drop continuation bytes and their lead byte.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.remove_suffix(1);
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.remove_suffix(1);
  }
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += cut ? "...\"" : "\"";
  return out;
}

std::string_view json_type(const Json& j) {
  switch (j.type()) {
    case Json::value_t::string:
      return "string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "number";
    case Json::value_t::number_float:
      return "non-integer number";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "object";
    case Json::value_t::array:
      return "array";
    default:
      return "unsupported value";
  }
}

Result<Json> parse_json_text(std::string_view text, const std::string& origin) {
  if (is_blank(text)) return make_error(origin + ": empty file");
  if (std::size_t at = too_deep_at(text, kMaxDepth); at != std::string_view::npos) {
    std::size_t line = 0, col = 0;
    line_column(text, at, line, col);
    return make_error(origin + ": line " + std::to_string(line) + ", column " +
                      std::to_string(col) + ": nested more than " + std::to_string(kMaxDepth) +
                      " levels deep");
  }

  std::vector<Frame> stack;
  std::string duplicate;  // path of the first repeated key
  auto element_starts = [&stack] {
    if (!stack.empty() && stack.back().array) ++stack.back().next_index;
  };
  Json::parser_callback_t callback = [&](int, nlohmann::json::parse_event_t event, Json& parsed) {
    using E = nlohmann::json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        element_starts();
        stack.push_back(Frame{event == E::array_start, 0, {}, {}});
        break;
      case E::object_end:
      case E::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case E::key: {
        if (stack.empty()) break;
        Frame& f = stack.back();
        const std::string& k = parsed.get_ref<const std::string&>();
        if (duplicate.empty()) {
          for (const auto& s : f.seen) {
            if (s == k) {
              duplicate = path_key(frames_path(stack), k);
              if (duplicate.empty()) duplicate = "$";
              break;
            }
          }
        }
        f.seen.push_back(k);
        f.key = k;
        break;
      }
      case E::value:
        element_starts();
        break;
    }
    return true;
  };

  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                      /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t line = 0, col = 0;
    line_column(text, e.byte == 0 ? 0 : e.byte - 1, line, col);
    return make_error(origin + ": line " + std::to_string(line) + ", column " +
                      std::to_string(col) + ": invalid JSON: " + parse_reason(e.what()));
  } catch (const std::exception& e) {
    return make_error(origin + ": invalid JSON: " + parse_reason(e.what()));
  }
  if (!duplicate.empty()) return policy_error(origin, duplicate, "duplicate key");
  return doc;
}

}  // namespace policy_internal
}  // namespace sigvisor
