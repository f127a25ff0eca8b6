// SHA-256 (FIPS 180-4), written here to avoid a crypto dependency for one digest: the
// `policy` event names the loaded policy by the hash of its file's bytes.
#pragma once

#include <string>
#include <string_view>

namespace sigvisor {

// 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace sigvisor
