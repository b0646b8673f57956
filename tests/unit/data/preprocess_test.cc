#include "data/preprocess.h"

#include <gtest/gtest.h>

#include <vector>

namespace amct::data {
namespace {

Image constant_image(int h, int w, uint8_t v) {
  Image img;
  img.height = h;
  img.width = w;
  img.pixels.assign(static_cast<size_t>(h) * w * 3, v);
  return img;
}

TEST(Preprocess, ParseNames) {
  EXPECT_EQ(*parse_preprocess("slim"), Preprocess::kSlim);
  EXPECT_EQ(*parse_preprocess("sample"), Preprocess::kSample);
  auto bad = parse_preprocess("vgg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'vgg'"), std::string::npos);
  EXPECT_STREQ(preprocess_name(Preprocess::kSlim), "slim");
}

TEST(Preprocess, SlimScalesLikeTensorFlow) {
  std::vector<float> out(5 * 6 * 3);
  preprocess_into(constant_image(9, 11, 200), Preprocess::kSlim, 5, 6, out.data());
  const float x = 200 * static_cast<float>(1.0 / 255.0);
  for (float v : out) EXPECT_EQ(v, (x - 0.5f) * 2.0f);
  preprocess_into(constant_image(4, 4, 255), Preprocess::kSlim, 2, 2, out.data());
  EXPECT_FLOAT_EQ(out[0], 1.f);
  preprocess_into(constant_image(4, 4, 0), Preprocess::kSlim, 2, 2, out.data());
  EXPECT_EQ(out[0], -1.f);
}

TEST(Preprocess, SlimCropsTheCentre) {
  // 16x16: crop keeps rows/cols 1..14 (start int((16-14)/2) = 1); mark the border.
  Image img = constant_image(16, 16, 0);
  for (int y = 1; y < 15; ++y)
    for (int x = 1; x < 15; ++x)
      for (int c = 0; c < 3; ++c) img.pixels[(static_cast<size_t>(y) * 16 + x) * 3 + c] = 255;
  std::vector<float> out(14 * 14 * 3);
  preprocess_into(img, Preprocess::kSlim, 14, 14, out.data());
  for (float v : out) EXPECT_FLOAT_EQ(v, 1.f);  // no border pixel reaches the output
}

TEST(Preprocess, SampleIsWholeImageOver128) {
  std::vector<float> out(3 * 3 * 3);
  preprocess_into(constant_image(6, 6, 64), Preprocess::kSample, 3, 3, out.data());
  for (float v : out) EXPECT_EQ(v, -0.5f);
  preprocess_into(constant_image(3, 3, 255), Preprocess::kSample, 3, 3, out.data());
  for (float v : out) EXPECT_EQ(v, 255 / 128.f - 1.f);
}

}  // namespace
}  // namespace amct::data
