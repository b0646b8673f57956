#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {
namespace {

Expected<ActivationFactors> feed(ActivationCalibrator& cal, const std::vector<float>& data, size_t batch) {
  for (size_t pos = 0; pos < data.size(); pos += batch)
    cal.observe(0, data.data() + pos, std::min(batch, data.size() - pos), static_cast<int64_t>(data.size()));
  return cal.finalize();
}

TEST(Hfmg, Relu6LikeDataGivesOffsetMinus128) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 6.0f);
  std::vector<float> data(40000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = i % 5 == 0 ? 6.0f : u(rng);
  auto cal = make_hfmg(HfmgConfig{});
  ASSERT_EQ(cal->num_passes(), 1);
  auto f = feed(*cal, data, 4000);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->offset, -128);
  // Uniform mass up to 6 plus a spike at 6: the window keeps (nearly) all of [0, 6].
  EXPECT_GT(f->scale, 0.97f * 6.0f / 255.0f);
  EXPECT_LT(f->scale, 1.01f * 6.0f / 255.0f);
}

// L2 trade-off: an outlier at distance d costs d^2 when clipped, the bulk costs about
// n * (range/256)^2 / 12 when the range is kept. With n = 1e5 and outliers at -400 and 500,
// keeping the full range (cost ~1e5) beats clipping (~4e5); with n = 1e6 clipping wins.
TEST(Hfmg, OutliersAreClippedOnlyWhenTheBulkOutweighsThem) {
  for (size_t n : {100000u, 1000000u}) {
    std::mt19937 rng(9);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> data(n);
    for (float& x : data) x = normal(rng);
    data[10] = 500.0f;
    data[20] = -400.0f;
    auto cal = make_hfmg(HfmgConfig{});
    auto f = feed(*cal, data, n / 10);
    ASSERT_TRUE(f.ok());
    const float range = f->scale * 255.0f;
    if (n == 100000u) {
      EXPECT_GT(range, 850.0f);
    } else {
      EXPECT_LT(range, 20.0f);
      EXPECT_GT(range, 5.0f);
    }
  }
}

TEST(Hfmg, SymmetricHasZeroOffset) {
  std::mt19937 rng(2);
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> data(20000);
  for (float& x : data) x = n(rng);
  HfmgConfig c;
  c.asymmetric = false;
  auto cal = make_hfmg(c);
  auto f = feed(*cal, data, 20000);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->offset, 0);
  EXPECT_GT(f->scale, 0.0f);
}

TEST(Hfmg, ConstantDataGivesScaleOfTheValue) {
  // Everything in the middle bin; zero-width bins give no loss; clip [2, 2] widened to [0, 2].
  std::vector<float> data(1000, 2.0f);
  auto cal = make_hfmg(HfmgConfig{});
  auto f = feed(*cal, data, 100);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->scale, static_cast<float>(2.0 / 255.0));
  EXPECT_EQ(f->offset, -128);
}

TEST(Hfmg, Errors) {
  {
    auto cal = make_hfmg(HfmgConfig{});
    EXPECT_FALSE(cal->finalize().ok());  // no data
  }
  {
    auto cal = make_hfmg(HfmgConfig{});
    const float v[] = {1.0f, NAN};
    cal->observe(0, v, 2, 2);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {
    HfmgConfig c;
    c.num_of_bins = 1000;
    auto cal = make_hfmg(c);
    const float v[] = {1.0f, 2.0f};
    cal->observe(0, v, 2, 2);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {
    auto cal = make_hfmg(HfmgConfig{});
    const float v[] = {1.0f, 2.0f};
    cal->observe(1, v, 2, 2);
    EXPECT_FALSE(cal->finalize().ok());
  }
}

}  // namespace
}  // namespace amct::quant
