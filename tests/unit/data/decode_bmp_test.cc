#include <gtest/gtest.h>

#include "data/image.h"
#include "unit/data/test_images.h"

namespace amct::data {
namespace {

using amct::testing::gradient_rgb;
using amct::testing::make_bmp24;
using amct::testing::make_bmp8;

TEST(DecodeBmp, Rgb24BottomUpAndTopDown) {
  const auto rgb = gradient_rgb(5, 3);  // width 5: rows need padding
  for (bool top_down : {false, true}) {
    auto img = decode_bmp(make_bmp24(5, 3, rgb, top_down), "x.bmp");
    ASSERT_TRUE(img.ok()) << img.status().message();
    EXPECT_EQ(img->width, 5);
    EXPECT_EQ(img->height, 3);
    EXPECT_EQ(img->channels, 3);
    EXPECT_EQ(img->pixels, rgb);
  }
}

TEST(DecodeBmp, Palette8) {
  const std::vector<uint8_t> palette = {255, 0, 0, 0, 255, 0, 1, 2, 3};
  const std::vector<uint8_t> idx = {0, 1, 2, 2, 1, 0};  // 3x2
  auto img = decode_bmp(make_bmp8(3, 2, idx, palette), "p.bmp");
  ASSERT_TRUE(img.ok()) << img.status().message();
  const std::vector<uint8_t> expect = {255, 0, 0, 0, 255, 0, 1, 2, 3, 1, 2, 3, 0, 255, 0, 255, 0, 0};
  EXPECT_EQ(img->pixels, expect);
}

TEST(DecodeBmp, PaletteIndexOutOfRange) {
  const std::vector<uint8_t> palette = {255, 0, 0, 0, 255, 0};
  auto img = decode_bmp(make_bmp8(2, 1, {0, 5}, palette), "p.bmp");
  ASSERT_FALSE(img.ok());
  EXPECT_NE(img.status().message().find("p.bmp: invalid BMP: palette index 5"), std::string::npos)
      << img.status().message();
}

TEST(DecodeBmp, Bitfields32) {
  // 1x1, BITMAPINFOHEADER + masks R=0x00ff0000 G=0x0000ff00 B=0x000000ff.
  std::string s = "BM";
  using amct::testing::put_u16;
  using amct::testing::put_u32;
  put_u32(&s, 14 + 40 + 12 + 4);
  put_u32(&s, 0);
  put_u32(&s, 14 + 40 + 12);
  put_u32(&s, 40);
  put_u32(&s, 1);
  put_u32(&s, 1);
  put_u16(&s, 1);
  put_u16(&s, 32);
  put_u32(&s, 3);
  for (int i = 0; i < 5; ++i) put_u32(&s, 0);
  put_u32(&s, 0x00ff0000);
  put_u32(&s, 0x0000ff00);
  put_u32(&s, 0x000000ff);
  put_u32(&s, 0x00102030);
  auto img = decode_bmp(s, "b.bmp");
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->pixels, (std::vector<uint8_t>{0x10, 0x20, 0x30}));
}

TEST(DecodeBmp, StrictHeaderChecks) {
  const auto rgb = gradient_rgb(4, 4);
  const std::string good = make_bmp24(4, 4, rgb);
  std::string planes = good;
  planes[26] = 2;
  EXPECT_FALSE(decode_bmp(planes, "b.bmp").ok());
  std::string depth = good;
  depth[28] = 7;
  EXPECT_FALSE(decode_bmp(depth, "b.bmp").ok());
  std::string rle = good;
  rle[30] = 1;
  auto r = decode_bmp(rle, "b.bmp");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("RLE"), std::string::npos);
  auto cut = decode_bmp(good.substr(0, good.size() - 1), "b.bmp");
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("runs past the end"), std::string::npos);
  std::string huge = good;
  huge[18] = 0x00;
  huge[19] = 0x00;
  huge[20] = 0x10;  // width 1 << 20
  auto h = decode_bmp(huge, "b.bmp");
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("exceeds the limit"), std::string::npos);
}

}  // namespace
}  // namespace amct::data
