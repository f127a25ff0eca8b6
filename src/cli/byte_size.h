// A size on the command line (--buffer 8M): a number of bytes with an optional K, M or G
// suffix (powers of 1024). Pure: unit-tested.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace sigvisor {

Result<uint64_t> parse_byte_size(std::string_view text);

// The kernel engine's ring buffer size for `wanted` bytes: a power of two (the kernel's
// rule), rounded up, within [64 KiB, 1 GiB]; an error names the bounds.
Result<uint32_t> ring_buffer_size(uint64_t wanted);

}  // namespace sigvisor
