// --buffer SIZE (cli/byte_size.h): sizes with units, bad input as one line, the ring
// buffer's power-of-two rule and bounds.
#include "cli/byte_size.h"

#include <gtest/gtest.h>

namespace sigvisor {
namespace {

TEST(ByteSize, NumbersAndUnits) {
  EXPECT_EQ(*parse_byte_size("4096"), 4096u);
  EXPECT_EQ(*parse_byte_size("64K"), 65536u);
  EXPECT_EQ(*parse_byte_size("8M"), 8u << 20);
  EXPECT_EQ(*parse_byte_size("1g"), 1u << 30);
}

TEST(ByteSize, BadInputNamesTheProblem) {
  EXPECT_EQ(parse_byte_size("").error().message, "size '': expected a number of bytes, e.g. 8M");
  EXPECT_EQ(parse_byte_size("M").error().message, "size 'M': expected a number of bytes, e.g. 8M");
  EXPECT_EQ(parse_byte_size("8X").error().message, "size '8X': unknown unit (expected K, M or G)");
  EXPECT_EQ(parse_byte_size("8MB").error().message, "size '8MB': unexpected text after the unit");
  EXPECT_EQ(parse_byte_size("-1").error().message,
            "size '-1': expected a number of bytes, e.g. 8M");
  EXPECT_EQ(parse_byte_size("99999999999999999999").error().message,
            "size '99999999999999999999': expected a number of bytes, e.g. 8M");
  EXPECT_EQ(parse_byte_size("99999999999G").error().message, "size '99999999999G': too large");
}

TEST(ByteSize, RingBufferSizesArePowersOfTwoWithinBounds) {
  EXPECT_EQ(*ring_buffer_size(65536), 65536u);
  EXPECT_EQ(*ring_buffer_size(100000), 131072u);
  EXPECT_EQ(*ring_buffer_size(8u << 20), 8u << 20);
  EXPECT_EQ(*ring_buffer_size(1u << 30), 1u << 30);
  EXPECT_EQ(ring_buffer_size(4096).error().message,
            "--buffer 4096 bytes: expected between 64K and 1G");
  EXPECT_FALSE(ring_buffer_size((1ull << 30) + 1).ok());
}

}  // namespace
}  // namespace sigvisor
