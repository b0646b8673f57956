// Hand-computed IFMR cases on the oracle (the streaming calibrator is checked against it
// in ifmr_test.cc).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {
namespace {

IfmrConfig two_candidates(bool asymmetric) {
  // (1.0 - 0.5) / 0.5 + 1 = 2 candidates: ratios 0.5 and 1.0.
  IfmrConfig c;
  c.max_percentile = c.min_percentile = 1.0f;
  c.search_range_start = 0.5f;
  c.search_range_end = 1.0f;
  c.search_step = 0.5f;
  c.asymmetric = asymmetric;
  return c;
}

// Symmetric, max M = 127/64 (limit 127). Candidate 0 clips at M/2 with scale 2^-7;
// candidate 1 keeps M with scale 2^-6. Data: M once plus N values of 2^-7.
//   loss0 = (M - M/2)^2 = (127/128)^2 = 16129/16384   (the 2^-7 values are exact)
//   loss1 = N * (2^-7)^2 = N/16384                      (2^-7/2^-6 = 0.5 rounds to 1)
// N = 16128: loss1 < loss0, candidate 1 wins (scale 2^-6).
// N = 16129: a tie, and the first candidate wins (scale 2^-7).
TEST(IfmrReference, HandComputedTieBreak) {
  const float m = 127.0f / 64.0f;
  for (int n : {16128, 16129}) {
    std::vector<float> data(static_cast<size_t>(n), 1.0f / 128.0f);
    data.push_back(m);
    auto f = ifmr_reference(data, two_candidates(false));
    ASSERT_TRUE(f.ok()) << f.status().message();
    EXPECT_EQ(f->scale, n == 16128 ? 1.0f / 64.0f : 1.0f / 128.0f) << "N=" << n;
    EXPECT_EQ(f->offset, 0);
  }
}

// Asymmetric, one candidate (ratio 1): min = -2^-7, max = 509 * 2^-7.
// scale = (510 * 2^-7) / 255 = 2^-6; min/scale = -0.5 rounds away from zero to -1, so
// offset = -(-1) - 128 = -127 (numpy's half-to-even would give -128).
TEST(IfmrReference, HandComputedOffsetRoundsHalfAway) {
  IfmrConfig c;
  c.max_percentile = c.min_percentile = 1.0f;
  c.search_range_start = 1.0f;
  c.search_range_end = 1.005f;  // (0.005 / 0.01) + 1 = 1.5 -> 1 candidate
  c.search_step = 0.01f;
  auto f = ifmr_reference({-1.0f / 128.0f, 509.0f / 128.0f, 0.25f}, c);
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->scale, 1.0f / 64.0f);
  EXPECT_EQ(f->offset, -127);
}

// Symmetric with the negative side dominant divides by 128.
TEST(IfmrReference, SymmetricNegativeDominantUses128) {
  IfmrConfig c = two_candidates(false);
  c.search_range_start = 1.0f;
  c.search_range_end = 1.005f;
  c.search_step = 0.01f;
  auto f = ifmr_reference({-1.28f, 0.5f, 0.25f}, c);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 1.28f / 128.0f);
  EXPECT_EQ(f->offset, 0);
}

// The percentile clip: n = 1000, max_percentile 0.99 -> k = 1000 - floor(990.00001) = 10,
// so the 10th largest value (990 of 0..999) is the initial max; with one candidate
// (ratio 1) scale = 990 / 255 and min 0 gives offset -128.
TEST(IfmrReference, PercentileClip) {
  std::vector<float> data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<float>(i));
  IfmrConfig c;
  c.max_percentile = 0.99f;
  c.search_range_start = 1.0f;
  c.search_range_end = 1.005f;
  c.search_step = 0.01f;
  auto f = ifmr_reference(data, c);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->scale, 990.0f / 255.0f);
  EXPECT_EQ(f->offset, -128);
}

TEST(IfmrReference, RejectsBadInput) {
  EXPECT_FALSE(ifmr_reference({}, IfmrConfig{}).ok());
  EXPECT_FALSE(ifmr_reference({1.0f, std::nanf("")}, IfmrConfig{}).ok());
  EXPECT_FALSE(ifmr_reference({1.0f, INFINITY}, IfmrConfig{}).ok());
  IfmrConfig bad;
  bad.search_step = 0.0f;
  EXPECT_FALSE(ifmr_reference({1.0f}, bad).ok());
}

}  // namespace
}  // namespace amct::quant
