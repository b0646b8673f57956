#include <gtest/gtest.h>

#include <cstdlib>

#include "data/image.h"
#include "unit/data/test_images.h"

namespace amct::data {
namespace {

using amct::testing::gradient_rgb;
using amct::testing::make_jpeg;

TEST(DecodeJpeg, RgbRoundTripIsClose) {
  const auto rgb = gradient_rgb(32, 24);
  auto img = decode_jpeg(make_jpeg(32, 24, 3, rgb), "a.jpg");
  ASSERT_TRUE(img.ok()) << img.status().message();
  ASSERT_EQ(img->width, 32);
  ASSERT_EQ(img->height, 24);
  ASSERT_EQ(img->pixels.size(), rgb.size());
  double err = 0;
  for (size_t i = 0; i < rgb.size(); ++i) err += std::abs(int{img->pixels[i]} - int{rgb[i]});
  EXPECT_LT(err / static_cast<double>(rgb.size()), 6.0);  // lossy, but close at quality 95
}

TEST(DecodeJpeg, GrayscaleBecomesRgb) {
  std::vector<uint8_t> gray(16 * 16);
  for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(i);
  auto img = decode_jpeg(make_jpeg(16, 16, 1, gray), "g.jpg");
  ASSERT_TRUE(img.ok()) << img.status().message();
  ASSERT_EQ(img->pixels.size(), 16u * 16 * 3);
  for (size_t i = 0; i < gray.size(); ++i) {
    EXPECT_EQ(img->pixels[i * 3], img->pixels[i * 3 + 1]);
    EXPECT_EQ(img->pixels[i * 3], img->pixels[i * 3 + 2]);
    EXPECT_NEAR(img->pixels[i * 3], gray[i], 8);
  }
}

TEST(DecodeJpeg, TruncatedIsAnErrorNotGrayPadding) {
  const std::string full = make_jpeg(64, 64, 3, gradient_rgb(64, 64));
  auto img = decode_jpeg(full.substr(0, full.size() * 2 / 3), "t.jpg");
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.status().message().find("t.jpg: invalid JPEG"), std::string::npos) << img.status().message();
}

}  // namespace
}  // namespace amct::data
