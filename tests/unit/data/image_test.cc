#include "data/image.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"
#include "unit/data/test_images.h"

namespace amct::data {
namespace {

using namespace amct::testing;

TEST(DecodeImage, SniffsEachFormat) {
  const auto rgb = gradient_rgb(8, 8);
  for (const std::string& bytes : {make_bmp24(8, 8, rgb), make_png(8, 8, PNG_FORMAT_RGB, rgb),
                                   make_jpeg(8, 8, 3, rgb)}) {
    auto img = decode_image(bytes, "img");
    ASSERT_TRUE(img.ok()) << img.status().message();
    EXPECT_EQ(img->width, 8);
    EXPECT_EQ(img->height, 8);
  }
}

TEST(DecodeImage, UnknownFormatNamesTheSource) {
  auto img = decode_image("GIF89a....", "photos/x.gif");
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.status().message(), "photos/x.gif: not a JPEG, PNG or BMP image (starts with 47 49 46 38)");
  auto empty = decode_image("", "e.jpg");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("e.jpg: empty file"), std::string::npos);
}

TEST(DecodeImage, SizeLimits) {
  EXPECT_TRUE(check_image_dims(65536, 4096, "s").is_ok());
  EXPECT_FALSE(check_image_dims(65536, 4097, "s").is_ok());  // over 2^28 pixels
  EXPECT_FALSE(check_image_dims(65537, 1, "s").is_ok());
  EXPECT_FALSE(check_image_dims(0, 1, "s").is_ok());
}

TEST(LoadImage, ReadsAFileAndNamesMissingOnes) {
  const std::string dir = make_temp_dir("load_image");
  const auto rgb = gradient_rgb(3, 2);
  std::ofstream(dir + "/a.bmp", std::ios::binary) << make_bmp24(3, 2, rgb);
  auto img = load_image(dir + "/a.bmp");
  ASSERT_TRUE(img.ok()) << img.status().message();
  EXPECT_EQ(img->pixels, rgb);
  auto missing = load_image(dir + "/none.jpg");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("none.jpg"), std::string::npos);
}

}  // namespace
}  // namespace amct::data
