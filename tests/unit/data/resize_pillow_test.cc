#include <gtest/gtest.h>

#include "data/resize.h"

namespace amct::data {
namespace {

Image gray_row(std::initializer_list<uint8_t> values) {
  Image img;
  img.height = 1;
  img.width = static_cast<int>(values.size());
  for (uint8_t v : values) img.pixels.insert(img.pixels.end(), {v, v, v});
  return img;
}

// Expected values are what Pillow 9.4 returns for the same arrays
// (Image.fromarray(a).resize((w, 1))); also checked by hand for the first case.
TEST(ResizePillowBicubic, DownscaleWidensTheFilter) {
  const Image out = resize_bicubic_pillow(gray_row({0, 100, 200, 255}), 1, 2);
  ASSERT_EQ(out.width, 2);
  ASSERT_EQ(out.height, 1);
  EXPECT_EQ(out.pixels, (std::vector<uint8_t>{60, 60, 60, 221, 221, 221}));
}

TEST(ResizePillowBicubic, UpscaleOvershootIsClipped) {
  const Image out = resize_bicubic_pillow(gray_row({0, 255}), 1, 4);
  EXPECT_EQ(out.pixels, (std::vector<uint8_t>{0, 0, 0, 53, 53, 53, 202, 202, 202, 255, 255, 255}));
}

TEST(ResizePillowBicubic, ConstantStaysConstantAndSameSizeIsACopy) {
  Image img;
  img.height = 7;
  img.width = 5;
  img.pixels.assign(7 * 5 * 3, 200);
  const Image out = resize_bicubic_pillow(img, 3, 11);
  ASSERT_EQ(out.pixels.size(), 3u * 11 * 3);
  for (uint8_t v : out.pixels) EXPECT_EQ(v, 200);
  img.pixels[4] = 17;
  EXPECT_EQ(resize_bicubic_pillow(img, 7, 5).pixels, img.pixels);
}

TEST(ResizePillowBicubic, VerticalPassMatchesHorizontal) {
  Image row = gray_row({0, 100, 200, 255});
  Image col;
  col.height = 4;
  col.width = 1;
  col.pixels = row.pixels;
  const Image out = resize_bicubic_pillow(col, 2, 1);
  EXPECT_EQ(out.pixels, (std::vector<uint8_t>{60, 60, 60, 221, 221, 221}));
}

// Pillow 9.4: Image.fromarray(a).resize((w, 1), Image.BILINEAR).
TEST(ResizePillowBilinear, MatchesPillowOnSmallRows) {
  auto bilinear = [](std::initializer_list<uint8_t> v, int w) {
    const Image out = resize_pillow(gray_row(v), 1, w, PillowFilter::kBilinear);
    std::vector<uint8_t> first;
    for (size_t i = 0; i < out.pixels.size(); i += 3) first.push_back(out.pixels[i]);
    return first;
  };
  EXPECT_EQ(bilinear({0, 100, 200, 255}, 2), (std::vector<uint8_t>{71, 209}));    // widened triangle
  EXPECT_EQ(bilinear({0, 255}, 4), (std::vector<uint8_t>{0, 64, 191, 255}));      // upscale
  EXPECT_EQ(bilinear({0, 100, 200, 255}, 3), (std::vector<uint8_t>{30, 150, 239}));
  EXPECT_EQ(bilinear({10, 50, 90}, 7), (std::vector<uint8_t>{10, 16, 33, 50, 67, 84, 90}));
}

TEST(ResizePillowBilinear, DiffersFromBicubicAndKeepsConstants) {
  Image img;
  img.height = 5;
  img.width = 6;
  img.pixels.assign(5 * 6 * 3, 77);
  for (uint8_t v : resize_pillow(img, 9, 4, PillowFilter::kBilinear).pixels) EXPECT_EQ(v, 77);
  const Image r = gray_row({0, 100, 200, 255});
  EXPECT_NE(resize_pillow(r, 1, 2, PillowFilter::kBilinear).pixels,
            resize_pillow(r, 1, 2, PillowFilter::kBicubic).pixels);
  EXPECT_EQ(resize_pillow(r, 1, 2, PillowFilter::kBicubic).pixels, resize_bicubic_pillow(r, 1, 2).pixels);
}

}  // namespace
}  // namespace amct::data
