#include "quant/calib/quant_factors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {
namespace {

TEST(ProcessScale, TinyBecomesOneAndBadValuesFail) {
  float s = 0.0f;
  ASSERT_TRUE(process_scale(s).is_ok());
  EXPECT_EQ(s, 1.0f);
  s = 1e-8f;  // below FLT_EPSILON
  ASSERT_TRUE(process_scale(s).is_ok());
  EXPECT_EQ(s, 1.0f);
  s = 0.5f;
  ASSERT_TRUE(process_scale(s).is_ok());
  EXPECT_EQ(s, 0.5f);
  s = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(process_scale(s).is_ok());
  s = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(process_scale(s).is_ok());
  s = 1e7f;  // 1/s < FLT_EPSILON
  EXPECT_FALSE(process_scale(s).is_ok());
  s = 8e6f;
  EXPECT_TRUE(process_scale(s).is_ok());
}

TEST(RoundHalfAway, MatchesCRound) {
  EXPECT_EQ(round_half_away(0.5f), 1.0f);
  EXPECT_EQ(round_half_away(-0.5f), -1.0f);
  EXPECT_EQ(round_half_away(2.5f), 3.0f);  // numpy would give 2
  EXPECT_EQ(round_half_away(-2.5f), -3.0f);
  EXPECT_EQ(round_half_away(0.49999997f), 0.0f);
}

TEST(AsymmetricFactors, MobileNetInputAndRelu6) {
  // [-1, 255/128 - 1]: scale = (255/128)/255 = 1/128, offset = -round(-128) - 128 = 0.
  auto f = asymmetric_factors(-1.0f, 0.9921875f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.0f / 128.0f);
  EXPECT_EQ(f->offset, 0);
  // ReLU6 output [0, 6]: scale = 6/255 (the sample record's 0.0235294122), offset -128.
  f = asymmetric_factors(0.0f, 6.0f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 6.0f / 255.0f);
  EXPECT_EQ(f->offset, -128);
  // A range above 0 is widened to include 0.
  f = asymmetric_factors(2.0f, 5.1f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 5.1f / 255.0f);
  EXPECT_EQ(f->offset, -128);
  // A range below 0: max clamps to 0, offset = -round(-255) - 128 = 127.
  f = asymmetric_factors(-2.55f, -1.0f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->offset, 127);
  // Empty range: scale 1, offset -128.
  f = asymmetric_factors(0.0f, 0.0f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.0f);
  EXPECT_EQ(f->offset, -128);
  EXPECT_FALSE(asymmetric_factors(0.0f, std::numeric_limits<float>::infinity()).ok());
}

TEST(SymmetricFactors, PositiveUses127NegativeUses128) {
  auto f = symmetric_factors(1.27f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.27f / 127.0f);
  EXPECT_EQ(f->offset, 0);
  f = symmetric_factors(-1.28f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.28f / 128.0f);
  f = symmetric_factors(0.0f);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.0f);
  EXPECT_EQ(signed_extreme(-2.0f, 1.0f), -2.0f);
  EXPECT_EQ(signed_extreme(-1.0f, 2.0f), 2.0f);
  EXPECT_EQ(signed_extreme(-1.0f, 1.0f), -1.0f);  // AMCT: a tie picks the min
}

}  // namespace
}  // namespace amct::quant
