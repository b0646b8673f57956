#include <gtest/gtest.h>

#include "data/resize.h"

namespace amct::data {
namespace {

TEST(CentralCrop, TensorFlowOffsets) {
  auto w = central_crop_window(227, 0.875);
  EXPECT_EQ(w.start, 14);
  EXPECT_EQ(w.size, 199);
  w = central_crop_window(224, 0.875);
  EXPECT_EQ(w.start, 14);
  EXPECT_EQ(w.size, 196);
  w = central_crop_window(256, 0.875);
  EXPECT_EQ(w.start, 16);
  EXPECT_EQ(w.size, 224);
  w = central_crop_window(17, 0.875);  // (17 - 14.875) / 2 = 1.06 -> 1
  EXPECT_EQ(w.start, 1);
  EXPECT_EQ(w.size, 15);
  w = central_crop_window(8, 0.875);  // 0.5 truncates to 0
  EXPECT_EQ(w.start, 0);
  EXPECT_EQ(w.size, 8);
  w = central_crop_window(1, 0.875);
  EXPECT_EQ(w.start, 0);
  EXPECT_EQ(w.size, 1);
}

// 2x3 -> 3x4, computed by hand with TF1's legacy scaler (src = dst * in/out, no
// half-pixel offset, upper neighbour clamped to the last row/column).
TEST(ResizeBilinearTf1, TinyImageByHand) {
  const float in[6] = {0, 10, 20, 30, 40, 50};
  float out[12];
  resize_bilinear_tf1(in, 2, 3, 1, 3, 4, out);
  // x: 0, 0.75, 1.5, 2.25 (clamped: column 2 only); y: 0, 2/3, 4/3 (clamped: row 1 only).
  const float expect[12] = {0, 7.5f, 15, 20, 20, 27.5f, 35, 40, 30, 37.5f, 45, 50};
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(out[i], expect[i], 2e-6f) << i;
  EXPECT_EQ(out[0], 0.f);
  EXPECT_EQ(out[1], 7.5f);
  EXPECT_EQ(out[3], 20.f);
  EXPECT_EQ(out[11], 50.f);
}

TEST(ResizeBilinearTf1, ChannelsStayInterleaved) {
  const float in[12] = {0, 100, 10, 110, 20, 120, 30, 130, 40, 140, 50, 150};  // 2x3x2
  float out[24];
  resize_bilinear_tf1(in, 2, 3, 2, 3, 4, out);
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(out[2 * i + 1] - out[2 * i], 100.f, 1e-4f) << i;
  EXPECT_EQ(out[2], 7.5f);
}

TEST(ResizeBilinearTf1, SameSizeIsIdentityAndDownscalePicksExactSamples) {
  const float in[4] = {1, 2, 3, 4};
  float out[4];
  resize_bilinear_tf1(in, 2, 2, 1, 2, 2, out);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], in[i]);
  // 4 -> 2: scale 2, sources 0 and 2 exactly (lerp 0), no averaging.
  const float row[4] = {5, 6, 7, 8};
  float half[2];
  resize_bilinear_tf1(row, 1, 4, 1, 1, 2, half);
  EXPECT_EQ(half[0], 5.f);
  EXPECT_EQ(half[1], 7.f);
}

}  // namespace
}  // namespace amct::data
