// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's masking.
#pragma once

#include <cstddef>
#include <cstdint>

namespace amct::tfrecord {

// Continues a CRC: crc32c_extend(crc32c(a), b) == crc32c(a + b).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t size);
inline uint32_t crc32c(const void* data, size_t size) { return crc32c_extend(0, data, size); }

// TFRecord stores masked CRCs so that a CRC of bytes holding CRCs stays well distributed.
inline uint32_t mask_crc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t unmask_crc(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace amct::tfrecord
