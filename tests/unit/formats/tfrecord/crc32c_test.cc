#include "formats/tfrecord/crc32c.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace amct::tfrecord {
namespace {

// Bit-at-a-time reference, independent of the table and SSE4.2 paths.
uint32_t crc_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
  }
  return ~c;
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789", 9), 0xE3069283u);  // the CRC catalogue's check value
  // RFC 3720 (iSCSI) B.4 test vectors.
  std::vector<uint8_t> buf(32, 0);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x8A9136AAu);
  std::fill(buf.begin(), buf.end(), 0xff);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x62A8AB43u);
  for (int i = 0; i < 32; ++i) buf[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) buf[static_cast<size_t>(i)] = static_cast<uint8_t>(31 - i);
  EXPECT_EQ(crc32c(buf.data(), buf.size()), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
}

TEST(Crc32c, MatchesBitwiseAtEveryLengthAndAlignment) {
  std::vector<uint8_t> data(200);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  for (size_t start = 0; start < 9; ++start)
    for (size_t n = 0; start + n <= data.size(); n += 7)
      ASSERT_EQ(crc32c(data.data() + start, n), crc_bitwise(data.data() + start, n)) << start << " " << n;
}

TEST(Crc32c, ExtendEqualsWhole) {
  const std::string a = "hello ", b = "world, a longer tail than eight bytes";
  const std::string ab = a + b;
  EXPECT_EQ(crc32c_extend(crc32c(a.data(), a.size()), b.data(), b.size()), crc32c(ab.data(), ab.size()));
}

TEST(Crc32c, MaskRoundTripsAndChangesValue) {
  for (uint32_t c : {0u, 1u, 0xE3069283u, 0xffffffffu, 0x12345678u}) {
    EXPECT_EQ(unmask_crc(mask_crc(c)), c);
    EXPECT_NE(mask_crc(c), c);
  }
  // TFRecord's definition: ((c >> 15) | (c << 17)) + 0xa282ead8.
  EXPECT_EQ(mask_crc(0x80000000u), ((0x80000000u >> 15) | (0x80000000u << 17)) + 0xa282ead8u);
  EXPECT_EQ(mask_crc(0), 0xa282ead8u);
}

}  // namespace
}  // namespace amct::tfrecord
