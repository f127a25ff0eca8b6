// JSON text → document for the policy loader: strict JSON (no comments, no duplicate keys,
// valid UTF-8), with one-line errors that name the line/column or the JSON path. Also the
// small helpers every loader message uses, so all messages spell paths and values alike.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sigvisor {
namespace policy_internal {

// Object keys keep file order so that "the first problem" is the first in the file.
using Json = nlohmann::ordered_json;

// Parses `text`; errors: "<origin>: empty file", "<origin>: line L, column C: invalid JSON:
// <reason>", "<origin>: <path>: duplicate key". Never throws.
Result<Json> parse_json_text(std::string_view text, const std::string& origin);

// "rules[2].match" + "sig" → "rules[2].match.sig"; keys that are not plain identifiers are
// written as ["..."] so that a path stays one unambiguous line.
std::string path_key(std::string_view base, std::string_view key);
// "rules" + 2 → "rules[2]".
std::string path_index(std::string_view base, std::size_t index);
// A value echoed in a message: JSON-quoted (control characters escaped), cut at 64 bytes.
std::string quote_value(std::string_view s);
// "string", "number", "non-integer number", "boolean", "null", "object", "array".
std::string_view json_type(const Json& j);

}  // namespace policy_internal
}  // namespace sigvisor
