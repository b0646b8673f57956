#include "formats/onnx/conv_geometry.h"

#include <gtest/gtest.h>

namespace amct::onnx_export {
namespace {

Pad1d same(int64_t in, int64_t k, int64_t s, int64_t d) {
  auto p = same_padding(in, k, s, d);
  EXPECT_TRUE(p.ok()) << p.status().message();
  return p.ok() ? *p : Pad1d{-1, -1};
}

TEST(OnnxConvGeometry, SamePaddingMatchesTf) {
  // MobileNetV2: the stride-2 3x3 on 224 pads 0 before, 1 after (models/README.md).
  EXPECT_EQ(same(224, 3, 2, 1).before, 0);
  EXPECT_EQ(same(224, 3, 2, 1).after, 1);
  EXPECT_EQ(same(112, 3, 1, 1).before, 1);
  EXPECT_EQ(same(112, 3, 1, 1).after, 1);
  EXPECT_EQ(same(7, 1, 1, 1).before + same(7, 1, 1, 1).after, 0);
  // Odd size, stride 2: ceil(7/2)=4 -> total (4-1)*2+3-7 = 2.
  EXPECT_EQ(same(7, 3, 2, 1).before, 1);
  EXPECT_EQ(same(7, 3, 2, 1).after, 1);
  // Dilation 2 on a 3-tap kernel spans 5: total 4.
  EXPECT_EQ(same(10, 3, 1, 2).before, 2);
  EXPECT_EQ(same(10, 3, 1, 2).after, 2);
  // Larger stride than kernel: never negative.
  EXPECT_EQ(same(8, 1, 4, 1).before + same(8, 1, 4, 1).after, 0);
  // Kernel larger than the input.
  EXPECT_EQ(same(2, 5, 1, 1).before, 2);
  EXPECT_EQ(same(2, 5, 1, 1).after, 2);
}

TEST(OnnxConvGeometry, SameOutputIsCeilOfInputOverStride) {
  for (int64_t in : {1, 2, 5, 7, 14, 224, 225})
    for (int64_t k : {1, 2, 3, 5})
      for (int64_t s : {1, 2, 3})
        for (int64_t d : {1, 2}) {
          auto p = same_padding(in, k, s, d);
          ASSERT_TRUE(p.ok());
          auto out = window_out_size(in, k, s, d, *p);
          ASSERT_TRUE(out.ok()) << out.status().message();
          EXPECT_EQ(*out, (in + s - 1) / s) << in << " " << k << " " << s << " " << d;
        }
}

TEST(OnnxConvGeometry, ValidOutputSize) {
  EXPECT_EQ(*window_out_size(7, 7, 1, 1, {}), 1);
  EXPECT_EQ(*window_out_size(224, 3, 2, 1, {}), 111);
  EXPECT_EQ(*window_out_size(10, 3, 1, 2, {}), 6);
  EXPECT_EQ(*window_out_size(5, 3, 2, 1, {1, 1}), 3);
}

TEST(OnnxConvGeometry, BadParametersAreErrors) {
  EXPECT_FALSE(window_out_size(2, 3, 1, 1, {}).ok());  // does not fit
  EXPECT_FALSE(same_padding(10, 0, 1, 1).ok());
  EXPECT_FALSE(same_padding(10, 3, 0, 1).ok());
  EXPECT_FALSE(same_padding(10, 3, 1, -1).ok());
  EXPECT_FALSE(same_padding(-5, 3, 1, 1).ok());
  EXPECT_FALSE(same_padding(kMaxSpatial + 1, 3, 1, 1).ok());
  EXPECT_FALSE(window_out_size(10, 3, 1, 1, {-1, 0}).ok());
  EXPECT_FALSE(check_window_param("stride", int64_t{1} << 40).is_ok());
  EXPECT_TRUE(check_window_param("stride", 2).is_ok());
}

}  // namespace
}  // namespace amct::onnx_export
