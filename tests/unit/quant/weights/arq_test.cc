#include "quant/weights/arq.h"

#include <gtest/gtest.h>

#include <cmath>

namespace amct::quant {
namespace {

using graph::DataType;
using graph::Tensor;

// HWIO [1,1,2,2]: flat (i, o) = i*2 + o, so channel 0 = {w[0], w[2]}, channel 1 = {w[1], w[3]}.
// Channel 0 {0.25, -0.5}: max |w| 0.5 -> 0.5/127.
// Channel 1 {1.27, -1.0}: positive dominates -> 1.27/127 = 0.01.
// Per tensor: extreme 1.27 -> 0.01.
TEST(Arq, TwoChannelConvHandComputed) {
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {0.25f, 1.27f, -0.5f, -1.0f});
  auto f = arq(w, WeightLayout::kConv2D_HWIO, true);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->scale_w.size(), 2u);
  EXPECT_EQ(f->scale_w[0], 0.5f / 127.0f);
  EXPECT_EQ(f->scale_w[1], 1.27f / 127.0f);
  f = arq(w, WeightLayout::kConv2D_HWIO, false);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 1u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
}

TEST(Arq, ZeroChannelGetsScaleOneAndOthersUse127) {
  // Channel 0 all zero -> scale 1; channel 1 {1, -1}: 1/127 (1/128 would put 1 at 128 and
  // clamp it to 127, a whole step off).
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {0.0f, 1.0f, 0.0f, -1.0f});
  auto f = arq(w, WeightLayout::kConv2D_HWIO, true);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale_w[0], 1.0f);
  EXPECT_EQ(f->scale_w[1], 1.0f / 127.0f);
}

TEST(Arq, WeightsOnA127GridAreKeptExactly) {
  // Weights already on a symmetric [-127, 127] grid (TFLite per-channel PTQ) with the
  // negative extreme the larger: k * 0.01 for k in {-127, -50, 3, 126}. Dividing by 128
  // would move them off the grid; /127 reproduces every value.
  const Tensor w = Tensor::from_vector<float>({4, 1, 1, 1}, {-1.27f, -0.5f, 0.03f, 1.26f});
  auto f = arq(w, WeightLayout::kConv2D_HWIO, true);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 1u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
  const int expected[] = {-127, -50, 3, 126};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(quantize_weight(w.data<float>()[i], f->scale_w[0]), expected[i]) << i;
}

TEST(Arq, DepthwiseHasInTimesMultiplierChannels) {
  // [1,1,2,2]: channel = in*2 + m = flat index.
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {1.27f, -2.56f, 0.127f, 2.54f});
  auto f = arq(w, WeightLayout::kDepthwise_HWCM, true);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 4u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
  EXPECT_EQ(f->scale_w[1], 2.56f / 127.0f);
  EXPECT_EQ(f->scale_w[2], 0.127f / 127.0f);
  EXPECT_EQ(f->scale_w[3], 2.54f / 127.0f);
  EXPECT_EQ(weight_channel_count({3, 3, 32, 2}, WeightLayout::kDepthwise_HWCM), 64);
}

TEST(Arq, BackpropInputChannelIsDim2) {
  // [1,1,2,3] = [H,W,out,in]: out channel o holds flat o*3 .. o*3+2.
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 3}, {0.1f, -0.2f, 1.27f, 0.3f, -2.56f, 0.0f});
  auto f = arq(w, WeightLayout::kConv2DBackpropInput_HWOI, true);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 2u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
  EXPECT_EQ(f->scale_w[1], 2.56f / 127.0f);
  EXPECT_EQ(weight_channel_count({4, 4, 16, 8}, WeightLayout::kConv2DBackpropInput_HWOI), 16);
}

TEST(Arq, MatMulIsPerTensorOnly) {
  const Tensor w = Tensor::from_vector<float>({2, 3}, {0.1f, -0.2f, 1.27f, 0.3f, -0.5f, 0.0f});
  auto f = arq(w, WeightLayout::kMatMul_IO, false);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 1u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
  EXPECT_FALSE(arq(w, WeightLayout::kMatMul_IO, true).ok());
  EXPECT_EQ(weight_channel_count({1280, 1001}, WeightLayout::kMatMul_IO), 1001);
}

TEST(Arq, BadWeightsAreErrors) {
  EXPECT_FALSE(arq(Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4}), WeightLayout::kConv2D_HWIO, true).ok());
  EXPECT_FALSE(arq(Tensor::from_vector<int32_t>({1, 1, 1, 2}, {1, 2}), WeightLayout::kConv2D_HWIO, true).ok());
  EXPECT_FALSE(arq(Tensor(DataType::kFloat, {1, 1, 0, 2}), WeightLayout::kConv2D_HWIO, true).ok());
  auto nan = arq(Tensor::from_vector<float>({1, 1, 1, 2}, {NAN, 1.0f}), WeightLayout::kConv2D_HWIO, true);
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.status().message().find("NaN"), std::string::npos);
  auto inf = arq(Tensor::from_vector<float>({1, 1, 1, 2}, {INFINITY, 1.0f}), WeightLayout::kConv2D_HWIO, true);
  ASSERT_FALSE(inf.ok());
  EXPECT_NE(inf.status().message().find("channel 0"), std::string::npos) << inf.status().message();
  EXPECT_EQ(weight_channel_count({3, 3, 8}, WeightLayout::kConv2D_HWIO), -1);
  EXPECT_EQ(weight_channel_count({1, 1, int64_t{1} << 40, int64_t{1} << 40}, WeightLayout::kDepthwise_HWCM), -1);
  EXPECT_EQ(weight_channel_count({1, 1, -2, 3}, WeightLayout::kDepthwise_HWCM), -1);
}

TEST(Arq, QuantizeWeightClampsAndRoundsHalfToEven) {
  EXPECT_EQ(quantize_weight(1.27f, 0.01f), 127);
  EXPECT_EQ(quantize_weight(-1.28f, 0.01f), -128);
  EXPECT_EQ(quantize_weight(5.0f, 0.01f), 127);
  EXPECT_EQ(quantize_weight(-5.0f, 0.01f), -128);
  EXPECT_EQ(quantize_weight(0.5f, 1.0f), 0);
  EXPECT_EQ(quantize_weight(1.5f, 1.0f), 2);
  EXPECT_EQ(quantize_weight(-2.5f, 1.0f), -2);
}

TEST(Arq, LevelSearchFindsACoarserGrid) {
  // One channel on the grid k * 0.5, k in [-10, 10]: max/127 misplaces most values; the
  // search tries 5/n for n = 127..64, and 5/n is a divisor of 0.5 when n is a multiple
  // of 10: n = 120 is the largest, and it reproduces every value.
  std::vector<float> v;
  for (int k = -10; k <= 10; ++k) v.push_back(0.5f * static_cast<float>(k));
  const Tensor w = Tensor::from_vector<float>({21, 1, 1, 1}, v);
  auto plain = arq(w, WeightLayout::kConv2D_HWIO, true, false);
  auto searched = arq(w, WeightLayout::kConv2D_HWIO, true, true);
  ASSERT_TRUE(plain.ok() && searched.ok());
  EXPECT_EQ(plain->scale_w[0], 5.0f / 127.0f);
  EXPECT_FLOAT_EQ(searched->scale_w[0], 5.0f / 120.0f);
  for (float x : v) {
    const float q = quantize_weight(x, searched->scale_w[0]) * searched->scale_w[0];
    EXPECT_NEAR(q, x, 1e-6f) << x;
  }
}

TEST(Arq, LevelSearchNeverIncreasesTheError) {
  // Gaussian-like float weights with one outlier per channel; two channels.
  std::vector<float> v;
  for (int i = 0; i < 64; ++i) {
    const float a = std::sin(0.37f * static_cast<float>(i)) * 0.1f;
    v.push_back(a);
    v.push_back(i == 5 ? 3.0f : a * 0.5f);
  }
  const Tensor w = Tensor::from_vector<float>({8, 8, 1, 2}, v);
  auto plain = arq(w, WeightLayout::kConv2D_HWIO, true, false);
  auto searched = arq(w, WeightLayout::kConv2D_HWIO, true, true);
  ASSERT_TRUE(plain.ok() && searched.ok());
  for (int c = 0; c < 2; ++c) {
    double ep = 0, es = 0;
    for (int i = 0; i < 64; ++i) {
      const float x = v[static_cast<size_t>(i * 2 + c)];
      ep += std::pow(quantize_weight(x, plain->scale_w[c]) * plain->scale_w[c] - x, 2);
      es += std::pow(quantize_weight(x, searched->scale_w[c]) * searched->scale_w[c] - x, 2);
    }
    EXPECT_LE(es, ep) << "channel " << c;
    // max/n with n in [64, 127]: never finer than max/127, never clamps.
    EXPECT_GE(searched->scale_w[c], plain->scale_w[c]);
    EXPECT_LE(searched->scale_w[c], plain->scale_w[c] * 127.0f / 64.0f * 1.0001f);
  }
}

}  // namespace
}  // namespace amct::quant
