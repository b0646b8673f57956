#include <gtest/gtest.h>

#include "data/image.h"
#include "unit/data/test_images.h"

namespace amct::data {
namespace {

using amct::testing::gradient_rgb;
using amct::testing::make_png;

TEST(DecodePng, Rgb) {
  const auto rgb = gradient_rgb(7, 5);
  auto img = decode_png(make_png(7, 5, PNG_FORMAT_RGB, rgb), "a.png");
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->width, 7);
  EXPECT_EQ(img->height, 5);
  EXPECT_EQ(img->pixels, rgb);
}

TEST(DecodePng, GrayBecomesRgb) {
  const std::vector<uint8_t> gray = {0, 50, 100, 150, 200, 250};
  auto img = decode_png(make_png(3, 2, PNG_FORMAT_GRAY, gray), "g.png");
  ASSERT_TRUE(img.ok()) << img.status().message();
  ASSERT_EQ(img->pixels.size(), 18u);
  for (size_t i = 0; i < 6; ++i)
    for (size_t c = 0; c < 3; ++c) EXPECT_EQ(img->pixels[i * 3 + c], gray[i]);
}

TEST(DecodePng, AlphaIsDropped) {
  const std::vector<uint8_t> rgba = {10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255};
  auto img = decode_png(make_png(3, 1, PNG_FORMAT_RGBA, rgba), "a.png");
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->pixels, (std::vector<uint8_t>{10, 20, 30, 40, 50, 60, 70, 80, 90}));
}

TEST(DecodePng, PaletteBecomesRgb) {
  // The simplified writer makes a palette PNG from a colour-mapped image.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = 2;
  image.height = 2;
  image.format = PNG_FORMAT_RGB_COLORMAP;
  image.colormap_entries = 2;
  const uint8_t colormap[6] = {255, 0, 0, 0, 0, 255};
  const uint8_t indices[4] = {0, 1, 1, 0};
  png_alloc_size_t size = 0;
  ASSERT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, indices, 0, colormap));
  std::string bytes(size, '\0');
  ASSERT_TRUE(png_image_write_to_memory(&image, bytes.data(), &size, 0, indices, 0, colormap));
  bytes.resize(size);
  auto img = decode_png(bytes, "p.png");
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->pixels, (std::vector<uint8_t>{255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0}));
}

TEST(DecodePng, CorruptChunkIsAnError) {
  std::string bytes = make_png(4, 4, PNG_FORMAT_RGB, gradient_rgb(4, 4));
  bytes[bytes.size() / 2] ^= 0x55;  // inside IDAT: CRC or zlib data breaks
  auto img = decode_png(bytes, "c.png");
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.status().message().find("c.png: invalid PNG"), std::string::npos) << img.status().message();
}

}  // namespace
}  // namespace amct::data
