// `sample` preprocessing: the resize reproduces Pillow's Image.resize(BICUBIC)
// byte for byte. Reference digests were computed with Pillow 9.4 (Debian
// python3-pil): FNV-1a 64 of np.asarray(Image.open(f).convert("RGB")) and of
// np.asarray(<that>.resize((224, 224))). (Checked on all 1300 val images too:
// 0 differing bytes, decode and resize.)
#include <gtest/gtest.h>

#include "data/image.h"
#include "data/preprocess.h"
#include "data/resize.h"
#include "test_util.h"

namespace amct::data {
namespace {

uint64_t fnv1a(const std::vector<uint8_t>& bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t b : bytes) h = (h ^ b) * 0x100000001b3ull;
  return h;
}

struct PillowCase {
  const char* file;
  int width, height;
  uint64_t decoded, resized;
};

TEST(DataSample, DecodeAndResizeMatchPillow) {
  const PillowCase cases[] = {
      {"imagenet_val_1300/images/ILSVRC2012_val_00000347.JPEG", 227, 227, 0x1f4084f4798e0f8bull,
       0xfb4b64da9cd03feeull},
      {"coral/images/parrot.jpg", 512, 929, 0x7b787b1a9821a81cull, 0x6ba4626004b2cd36ull},
      {"coral/images/bird.bmp", 512, 343, 0x73b2f6619750f944ull, 0xfa3c883a0894ec3eull},
      {"mnist/9.png", 28, 28, 0xe0d8976c354af1e8ull, 0xa29bc75b9d48cb6full},  // gray, upscaled
  };
  for (const PillowCase& c : cases) {
    auto img = load_image(amct::testing::asset(c.file));
    ASSERT_TRUE(img.ok()) << img.status().message();
    EXPECT_EQ(img->width, c.width) << c.file;
    EXPECT_EQ(img->height, c.height) << c.file;
    EXPECT_EQ(fnv1a(img->pixels), c.decoded) << c.file;
    const Image resized = resize_bicubic_pillow(*img, 224, 224);
    EXPECT_EQ(fnv1a(resized.pixels), c.resized) << c.file;
    std::vector<float> x(224 * 224 * 3);
    preprocess_into(*img, Preprocess::kSample, 224, 224, x.data());
    for (size_t i = 0; i < x.size(); i += 997) EXPECT_EQ(x[i], resized.pixels[i] / 128.f - 1.f);
  }
}

// `pil_bilinear`: Pillow 9.4 Image.resize((224, 224), BILINEAR) of the RGB image,
// as the ArmNN references (reference_results/README.md) were made.
TEST(DataSample, PilBilinearMatchesPillow) {
  const std::pair<const char*, uint64_t> cases[] = {
      {"imagenet_val_1300/images/ILSVRC2012_val_00000347.JPEG", 0x77f8721759792069ull},
      {"coral/images/parrot.jpg", 0x73b792b2d64b8f0eull},
      {"coral/images/bird.bmp", 0x172da91b4e38dc40ull},
      {"mnist/9.png", 0x592d006c91362aa9ull},
  };
  for (const auto& [file, digest] : cases) {
    auto img = load_image(amct::testing::asset(file));
    ASSERT_TRUE(img.ok()) << img.status().message();
    const Image resized = resize_pillow(*img, 224, 224, PillowFilter::kBilinear);
    EXPECT_EQ(fnv1a(resized.pixels), digest) << file;
    std::vector<float> x(224 * 224 * 3);
    preprocess_into(*img, Preprocess::kPilBilinear, 224, 224, x.data());
    for (size_t i = 0; i < x.size(); i += 997) EXPECT_EQ(x[i], resized.pixels[i] / 128.f - 1.f);
  }
}

}  // namespace
}  // namespace amct::data
