#include <gtest/gtest.h>

#include <cmath>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {
namespace {

TEST(MinMax, AsymmetricOverBatches) {
  auto cal = make_minmax(true);
  ASSERT_EQ(cal->num_passes(), 1);
  const float a[] = {-1.0f, 0.5f};
  const float b[] = {0.25f, 0.9921875f};
  cal->observe(0, a, 2, 4);
  cal->observe(0, b, 2, 4);
  auto f = cal->finalize();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.0f / 128.0f);
  EXPECT_EQ(f->offset, 0);
}

TEST(MinMax, SymmetricAndNegativeOnly) {
  auto cal = make_minmax(false);
  const float a[] = {-2.56f, 1.0f};
  cal->observe(0, a, 2, 2);
  auto f = cal->finalize();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 2.56f / 128.0f);
  EXPECT_EQ(f->offset, 0);

  // All negative values: the max seed must not be FLT_MIN (> 0); range [-3, -1] -> [-3, 0].
  auto neg = make_minmax(true);
  const float n[] = {-3.0f, -1.0f};
  neg->observe(0, n, 2, 2);
  f = neg->finalize();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 3.0f / 255.0f);
  EXPECT_EQ(f->offset, 127);
}

TEST(MinMax, Errors) {
  auto empty = make_minmax();
  EXPECT_FALSE(empty->finalize().ok());
  auto bad = make_minmax();
  const float v[] = {INFINITY};
  bad->observe(0, v, 1, 1);
  EXPECT_FALSE(bad->finalize().ok());
}

}  // namespace
}  // namespace amct::quant
