#include "quant/weights/arq.h"

#include <gtest/gtest.h>

#include <cmath>

namespace amct::quant {
namespace {

using graph::DataType;
using graph::Tensor;

// HWIO [1,1,2,2]: flat (i, o) = i*2 + o, so channel 0 = {w[0], w[2]}, channel 1 = {w[1], w[3]}.
// Channel 0 {0.25, -0.5}: the negative side dominates -> 0.5/128 = 0.00390625.
// Channel 1 {1.27, -1.0}: positive dominates -> 1.27/127 = 0.01.
// Per tensor: extreme 1.27 -> 0.01.
TEST(Arq, TwoChannelConvHandComputed) {
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {0.25f, 1.27f, -0.5f, -1.0f});
  auto f = arq(w, WeightLayout::kConv2D_HWIO, true);
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->scale_w.size(), 2u);
  EXPECT_EQ(f->scale_w[0], 0.5f / 128.0f);
  EXPECT_EQ(f->scale_w[1], 1.27f / 127.0f);
  f = arq(w, WeightLayout::kConv2D_HWIO, false);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 1u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
}

TEST(Arq, ZeroChannelGetsScaleOneAndTiesUse128) {
  // Channel 0 all zero -> scale 1; channel 1 {1, -1}: AMCT picks the min on a tie -> 1/128.
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {0.0f, 1.0f, 0.0f, -1.0f});
  auto f = arq(w, WeightLayout::kConv2D_HWIO, true);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale_w[0], 1.0f);
  EXPECT_EQ(f->scale_w[1], 1.0f / 128.0f);
}

TEST(Arq, DepthwiseHasInTimesMultiplierChannels) {
  // [1,1,2,2]: channel = in*2 + m = flat index.
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {1.27f, -2.56f, 0.127f, 2.54f});
  auto f = arq(w, WeightLayout::kDepthwise_HWCM, true);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->scale_w.size(), 4u);
  EXPECT_EQ(f->scale_w[0], 1.27f / 127.0f);
  EXPECT_EQ(f->scale_w[1], 2.56f / 128.0f);
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
  EXPECT_EQ(f->scale_w[1], 2.56f / 128.0f);
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

TEST(Arq, QuantizeWeightClampsAndRoundsHalfAway) {
  EXPECT_EQ(quantize_weight(1.27f, 0.01f), 127);
  EXPECT_EQ(quantize_weight(-1.28f, 0.01f), -128);
  EXPECT_EQ(quantize_weight(5.0f, 0.01f), 127);
  EXPECT_EQ(quantize_weight(-5.0f, 0.01f), -128);
  EXPECT_EQ(quantize_weight(0.5f, 1.0f), 1);
  EXPECT_EQ(quantize_weight(-2.5f, 1.0f), -3);
}

}  // namespace
}  // namespace amct::quant
