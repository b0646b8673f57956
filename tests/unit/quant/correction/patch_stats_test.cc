#include "quant/correction/patch_stats.h"

#include <gtest/gtest.h>

namespace amct::quant {
namespace {

using graph::Tensor;

TEST(PatchStats, DepthwiseSamePaddingImageMeansByHand) {
  // One 3x3 single-channel image 1..9, 3x3 depthwise, stride 1, SAME (pad 1).
  PatchGeometry g;
  g.in_h = g.in_w = 3;
  g.in_c = 1;
  g.out_h = g.out_w = 3;
  g.k_h = g.k_w = 3;
  g.pad_top = g.pad_left = 1;
  g.depthwise = true;
  PatchStats s(g, true);
  ASSERT_EQ(s.dim(), 9);
  ASSERT_EQ(s.groups(), 1);
  const Tensor x = Tensor::from_vector<float>({1, 3, 3, 1}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  ASSERT_TRUE(s.add(x, x, 0).is_ok());
  EXPECT_EQ(s.images(), 1);
  EXPECT_DOUBLE_EQ(s.image_patches(0), 9.0);
  const auto m = s.image_mean_float(0, 0);
  ASSERT_EQ(m.size(), 9u);
  // Tap (1,1) sees every pixel once: 45/9. Tap (0,0) sees pixel (oy-1, ox-1):
  // inside for oy, ox in {1,2}: 1+2+4+5 = 12, over 9 positions.
  EXPECT_NEAR(m[4], 5.0, 1e-12);
  EXPECT_NEAR(m[0], 12.0 / 9.0, 1e-12);
  // Tap (2,2): pixels (1,1),(1,2),(2,1),(2,2) = 5+6+8+9.
  EXPECT_NEAR(m[8], 28.0 / 9.0, 1e-12);
  // Variance of the centre tap: the pixels 1..9, population variance 60/9.
  EXPECT_NEAR(s.covariance(0)[4 * 9 + 4], 60.0 / 9.0, 1e-9);
}

TEST(PatchStats, PointwiseCovarianceAndPerImageMeansByHand) {
  // 1x1 conv over 2 channels; two images of 1x2 pixels each. Quantized input
  // differs from the float one.
  PatchGeometry g;
  g.in_h = 1;
  g.in_w = 2;
  g.in_c = 2;
  g.out_h = 1;
  g.out_w = 2;
  PatchStats s(g, true);
  ASSERT_EQ(s.dim(), 2);
  const Tensor q = Tensor::from_vector<float>({2, 1, 2, 2}, {1, 0, 3, 2, /*image 1*/ 5, 4, 7, 6});
  const Tensor f = Tensor::from_vector<float>({2, 1, 2, 2}, {1.1f, 0, 3, 2, 5, 4, 7, 6.5f});
  ASSERT_TRUE(s.add(q, f, 0).is_ok());
  EXPECT_EQ(s.images(), 2);
  // Image means of x^: image 0 (2, 1), image 1 (6, 5); of x: (2.05, 1), (6, 5.25).
  EXPECT_NEAR(s.image_mean_quantized(0, 0)[0], 2.0, 1e-12);
  EXPECT_NEAR(s.image_mean_quantized(1, 0)[1], 5.0, 1e-12);
  EXPECT_NEAR(s.image_mean_float(0, 0)[0], 2.05, 1e-6);
  EXPECT_NEAR(s.image_mean_float(1, 0)[1], 5.25, 1e-6);
  // x^ samples (1,0) (3,2) (5,4) (7,6): channel 0 mean 4, var (9+1+1+9)/4 = 5;
  // channel 1 = channel 0 - 1, so every covariance entry is 5.
  const auto c = s.covariance(0);
  ASSERT_EQ(c.size(), 4u);
  for (double v : c) EXPECT_NEAR(v, 5.0, 1e-9);
  EXPECT_DOUBLE_EQ(s.samples(), 4.0);
}

TEST(PatchStats, StridedValidConvPatchOrderIsHWI) {
  // 2x2 conv, stride 2, VALID, on a 2x2x2 image: a single patch, in filter order (ky, kx, c).
  PatchGeometry g;
  g.in_h = g.in_w = 2;
  g.in_c = 2;
  g.out_h = g.out_w = 1;
  g.k_h = g.k_w = 2;
  g.stride_h = g.stride_w = 2;
  PatchStats s(g, false);
  ASSERT_EQ(s.dim(), 8);
  const Tensor x = Tensor::from_vector<float>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(s.add(x, x, 3).is_ok());
  EXPECT_EQ(s.images(), 4);                      // images 0..2 were never added
  EXPECT_TRUE(s.image_mean_float(0, 0).empty());
  const auto m = s.image_mean_float(3, 0);
  for (int k = 0; k < 8; ++k) EXPECT_FLOAT_EQ(static_cast<float>(m[static_cast<size_t>(k)]), k + 1.0f);
  EXPECT_TRUE(s.covariance(0).empty());          // built without covariance
}

TEST(PatchStats, RejectsMismatchedInputs) {
  PatchGeometry g;
  g.in_h = g.in_w = 2;
  g.in_c = 1;
  g.out_h = g.out_w = 2;
  PatchStats s(g, false);
  const Tensor a = Tensor::from_vector<float>({1, 2, 2, 1}, {1, 2, 3, 4});
  const Tensor b = Tensor::from_vector<float>({1, 2, 1, 2}, {1, 2, 3, 4});
  const Tensor c = Tensor::from_vector<float>({1, 3, 1, 1}, {1, 2, 3});
  EXPECT_FALSE(s.add(a, b, 0).is_ok());  // shapes differ
  EXPECT_FALSE(s.add(c, c, 0).is_ok());  // not the geometry's input
  EXPECT_FALSE(s.add(a, a, -1).is_ok());
  const Tensor i = Tensor::from_vector<int32_t>({1, 2, 2, 1}, {1, 2, 3, 4});
  EXPECT_FALSE(s.add(i, i, 0).is_ok());
}

}  // namespace
}  // namespace amct::quant
