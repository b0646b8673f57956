#include "runtime/int8/quantize_kernel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace amct::runtime {
namespace {

// The simulation's v = clip(round(x * inv), -128 - off, 127 - off), in float.
float simulate(const ActQuant& q, float x) {
  float v = std::nearbyint(x * q.inv_scale);
  v = std::min(v, static_cast<float>(q.hi()));
  return std::max(v, static_cast<float>(q.lo()));
}

TEST(QuantizeKernel, StorageAndZeroPoint) {
  EXPECT_EQ((ActQuant{1, 1, 0}).storage(), graph::DataType::kInt8);
  EXPECT_EQ((ActQuant{1, 1, -128}).storage(), graph::DataType::kUInt8);
  EXPECT_EQ((ActQuant{1, 1, -128}).zero_point(), 0);
  EXPECT_EQ((ActQuant{1, 1, 13}).zero_point(), 141);
}

TEST(QuantizeKernel, RoundsHalfToEvenAndClipsLikeTheSimulation) {
  const float xs[] = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 3.0f, 1e9f, -1e9f, 127.5f, -128.5f, 0.0f,
                      -0.0f, 64.25f, 200.0f, -200.0f};
  for (int off : {0, -128, 13, -77, 127}) {
    const ActQuant q{0.5f, 2.0f, off};
    for (float x0 : xs) {
      const float x = x0 / 2;  // x * inv gives x0 exactly
      int8_t s8 = 0;
      uint8_t u8 = 0;
      if (q.storage() == graph::DataType::kInt8) {
        quantize_floats(q, &x, &s8, 1);
        EXPECT_EQ(s8, simulate(q, x)) << "x=" << x << " off=" << off;
      } else {
        quantize_floats(q, &x, &u8, 1);
        EXPECT_EQ(static_cast<int>(u8) - q.zero_point(), simulate(q, x)) << "x=" << x << " off=" << off;
      }
    }
  }
}

TEST(QuantizeKernel, NaNGivesTheUpperBound) {
  const ActQuant q{1.0f, 1.0f, 13};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  uint8_t u = 99;
  quantize_floats(q, &nan, &u, 1);
  EXPECT_EQ(u, 255);
}

TEST(QuantizeKernel, LongInputsUseEveryThreadRange) {
  const ActQuant q{0.25f, 4.0f, -128};
  std::vector<float> x(100000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 300) * 0.125f - 5.0f;
  std::vector<uint8_t> y(x.size());
  quantize_floats(q, x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(y[i], simulate(q, x[i])) << i;
}

}  // namespace
}  // namespace amct::runtime
