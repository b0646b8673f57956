#include "quant/calib/ifmr_search.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace amct::quant {
namespace {

// Default search on a ReLU6 range [0, 6]: candidate i clips at (0.7 + i*0.01)*6 and has
// scale 6r/255 in float; i = 30 is exactly the AMCT sample's 0.0235294122 (6/255) and
// i = 29 its 0.0232941173.
TEST(IfmrSearch, DefaultCandidatesMatchTheSampleRecord) {
  auto s = make_ifmr_search(IfmrConfig{}, 0.0f, 6.0f);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 60u);
  EXPECT_EQ(s->scale[30], 0.0235294122f);
  EXPECT_EQ(s->scale[29], 0.0232941173f);
  EXPECT_EQ(s->scale[28], 0.0230588242f);
  EXPECT_EQ(s->hi[30], 6.0f);
  EXPECT_EQ(s->lo[0], 0.0f);
  // Symmetric, negative side dominant: clip [-r*8, r*8], scale r*8/128.
  s = make_ifmr_search([] { IfmrConfig c; c.asymmetric = false; return c; }(), -8.0f, 3.0f);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->lo[30], -8.0f);
  EXPECT_EQ(s->hi[30], 8.0f);
  EXPECT_EQ(s->scale[30], 8.0f / 128.0f);
}

// The branch-free kernel rounds like C round() (half away from zero): compare it with a
// scalar std::round loop on values that hit exact halves and everything in between.
TEST(IfmrSearch, KernelMatchesScalarRound) {
  IfmrConfig c;
  c.max_percentile = c.min_percentile = 1.0f;
  auto s = make_ifmr_search(c, -2.0f, 4.0f);
  ASSERT_TRUE(s.ok());
  std::vector<float> x;
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-2.5f, 5.5f);
  for (int i = 0; i < 4000; ++i) x.push_back(u(rng));
  for (size_t k = 0; k < s->size(); k += 7)  // exact halves of several candidates' grids
    for (int q = -300; q <= 300; ++q) x.push_back((static_cast<float>(q) + 0.5f) * s->scale[k]);
  std::vector<double> acc(s->size(), 0.0);
  accumulate_ifmr_errors(*s, x.data(), x.size(), acc.data());
  for (size_t k = 0; k < s->size(); ++k) {
    double expect = 0.0;
    for (float v : x) {
      const float clipped = std::min(std::max(v, s->lo[k]), s->hi[k]);
      const float d = std::round(clipped / s->scale[k]) * s->scale[k] - v;
      expect += static_cast<double>(d) * d;
    }
    EXPECT_EQ(acc[k], expect) << "candidate " << k;
  }
}

TEST(IfmrSearch, HugeRangeCandidatesAreSkipped) {
  // Scales above 1/FLT_EPSILON are invalid (AMCT's ProcessScale); all invalid -> error.
  auto s = make_ifmr_search(IfmrConfig{}, -3e9f, 3e9f);
  ASSERT_TRUE(s.ok());
  for (size_t k = 0; k < s->size(); ++k) EXPECT_FALSE(s->valid[k]);
  std::vector<double> acc(s->size(), 0.0);
  const float x[] = {1e9f, -2e9f, NAN};
  accumulate_ifmr_errors(*s, x, 3, acc.data());  // must stay defined
  EXPECT_FALSE(ifmr_best_factors(*s, acc.data()).ok());
  EXPECT_FALSE(make_ifmr_search(IfmrConfig{}, 0.0f, INFINITY).ok());
}

}  // namespace
}  // namespace amct::quant
