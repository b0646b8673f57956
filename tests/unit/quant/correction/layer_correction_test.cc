#include "quant/correction/layer_correction.h"

#include <gtest/gtest.h>

namespace amct::quant {
namespace {

using graph::Tensor;

TEST(ShrunkMean, ByHand) {
  EXPECT_DOUBLE_EQ(shrunk_mean({}), 0.0);
  EXPECT_DOUBLE_EQ(shrunk_mean({0.7}), 0.7);
  EXPECT_DOUBLE_EQ(shrunk_mean({1, 1, 1}), 1.0);  // no spread: applied in full
  EXPECT_DOUBLE_EQ(shrunk_mean({2, 0}), 0.0);     // mean 1, se^2 = 2/2 = 1: noise
  // mean 2, sample variance 1, se^2 = 1/3: 2 * (1 - (1/3)/4) = 11/6.
  EXPECT_NEAR(shrunk_mean({3, 1, 2}), 11.0 / 6.0, 1e-12);
}

// 1x1 conv, 2 inputs -> 2 outputs, on two 1x1 images.
PatchStats pointwise_stats(const Tensor& q, const Tensor& f) {
  PatchGeometry g;
  g.in_c = 2;
  PatchStats s(g, true);
  EXPECT_TRUE(s.add(q, f, 0).is_ok());
  return s;
}

TEST(CorrectLayer, BiasShiftIsTheMeanOutputErrorByHand) {
  // Float inputs (0.3, 0.4) and (1.3, 2.4); quantized (0, 0) and (1, 2).
  const Tensor f = Tensor::from_vector<float>({2, 1, 1, 2}, {0.3f, 0.4f, 1.3f, 2.4f});
  const Tensor q = Tensor::from_vector<float>({2, 1, 1, 2}, {0, 0, 1, 2});
  const PatchStats s = pointwise_stats(q, f);
  // HWIO [1,1,2,2], element (i, o) at i*2 + o: out0 = 1*x0 + 2*x1, out1 = 0.5*x0 - 1*x1.
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {1.0f, 0.5f, 2.0f, -1.0f});
  LayerCorrectionOptions o;
  o.adaptive_rounding = false;
  auto c = correct_layer(s, w, WeightLayout::kConv2D_HWIO, {0.5f, 0.25f}, o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  // Weights are exact on their grids. out0 error per image: -(0.3 + 0.8) = -1.1 and
  // (1 + 4) - (1.3 + 4.8) = -1.1: shift -1.1. out1: -(0.15 - 0.4) = 0.25 and
  // (0.5 - 2) - (0.65 - 2.4) = 0.25.
  ASSERT_EQ(c->bias_shift.size(), 2u);
  EXPECT_NEAR(c->bias_shift[0], -1.1, 1e-6);
  EXPECT_NEAR(c->bias_shift[1], 0.25, 1e-6);
  EXPECT_NEAR(c->max_abs_shift, 1.1, 1e-6);
  EXPECT_EQ(c->weights_changed, 0);
  EXPECT_TRUE(c->weights.equals(w));
}

TEST(CorrectLayer, AdaptiveRoundingOnCorrelatedInputsByHand) {
  // Both inputs equal v in {1, 2, 3} (float and quantized alike): covariance
  // var(v) * [[1,1],[1,1]]. w = (0.3, 0.3) at scale 1: nearest (0, 0), adaptive (1, 0).
  const Tensor x = Tensor::from_vector<float>({3, 1, 1, 2}, {1, 1, 2, 2, 3, 3});
  PatchGeometry g;
  g.in_c = 2;
  PatchStats s(g, true);
  ASSERT_TRUE(s.add(x, x, 0).is_ok());
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 1}, {0.3f, 0.3f});
  auto c = correct_layer(s, w, WeightLayout::kConv2D_HWIO, {1.0f}, {});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FLOAT_EQ(c->weights.data<float>()[0], 1.0f);
  EXPECT_FLOAT_EQ(c->weights.data<float>()[1], 0.0f);
  EXPECT_EQ(c->weights_changed, 1);
  EXPECT_EQ(c->weights_total, 2);
  // Errors v - 0.6 v = 0.4 v: 0.4, 0.8, 1.2; mean 0.8, se^2 = 0.16/3:
  // 0.8 * (1 - (0.16/3)/0.64) = 0.7333...
  EXPECT_NEAR(c->bias_shift[0], 0.8 * (1.0 - (0.16 / 3.0) / 0.64), 1e-6);
  EXPECT_FLOAT_EQ(w.data<float>()[0], 0.3f);  // the input tensor is untouched
}

TEST(CorrectLayer, DepthwiseChannelsUseTheirOwnInput) {
  // 1x1 depthwise over 2 channels, multiplier 1: output c reads only channel c.
  PatchGeometry g;
  g.in_c = 2;
  g.depthwise = true;
  PatchStats s(g, false);
  const Tensor f = Tensor::from_vector<float>({1, 1, 1, 2}, {0.4f, 1.6f});
  const Tensor q = Tensor::from_vector<float>({1, 1, 1, 2}, {0.0f, 2.0f});
  ASSERT_TRUE(s.add(q, f, 0).is_ok());
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 1}, {2.0f, 3.0f});
  LayerCorrectionOptions o;
  o.adaptive_rounding = false;
  auto c = correct_layer(s, w, WeightLayout::kDepthwise_HWCM, {1.0f, 1.0f}, o);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_NEAR(c->bias_shift[0], 2.0 * (0.0 - 0.4), 1e-6);
  EXPECT_NEAR(c->bias_shift[1], 3.0 * (2.0 - 1.6), 1e-6);
}

TEST(CorrectLayer, RejectsMismatches) {
  PatchGeometry g;
  g.in_c = 2;
  PatchStats s(g, false);
  const Tensor x = Tensor::from_vector<float>({1, 1, 1, 2}, {1, 2});
  ASSERT_TRUE(s.add(x, x, 0).is_ok());
  LayerCorrectionOptions o;
  o.adaptive_rounding = false;
  const Tensor w3 = Tensor::from_vector<float>({1, 1, 3, 1}, {1, 2, 3});
  EXPECT_FALSE(correct_layer(s, w3, WeightLayout::kConv2D_HWIO, {1.0f}, o).ok());  // 3 taps vs 2
  const Tensor w = Tensor::from_vector<float>({1, 1, 2, 2}, {1, 2, 3, 4});
  EXPECT_FALSE(correct_layer(s, w, WeightLayout::kConv2D_HWIO, {1.0f, 1.0f, 1.0f}, o).ok());  // 3 scales
  EXPECT_FALSE(correct_layer(s, w, WeightLayout::kConv2DBackpropInput_HWOI, {1.0f}, o).ok());
  EXPECT_FALSE(correct_layer(s, w, WeightLayout::kConv2D_HWIO, {1.0f}, {}).ok());  // rounding needs covariance
}

}  // namespace
}  // namespace amct::quant
