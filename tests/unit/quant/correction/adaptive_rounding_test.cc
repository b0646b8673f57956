#include "quant/correction/adaptive_rounding.h"

#include <gtest/gtest.h>

#include <cmath>

namespace amct::quant {
namespace {

TEST(AdaptiveRounding, UncorrelatedInputsKeepNearest) {
  // w/s = {0.52, -1.48}: nearest {1, -1}; with a diagonal H each weight is on its own.
  const std::vector<double> h = {2.0, 0.0, 0.0, 0.5};
  EXPECT_EQ(round_adaptive({0.26, -0.74}, 0.5, h), (std::vector<int>{1, -1}));
}

TEST(AdaptiveRounding, CorrelatedInputsRoundJointlyByHand) {
  // Two identical inputs: only the sum of the errors matters, H = [[1,1],[1,1]].
  // Nearest {0,0}: errors -0.3 -0.3, cost 0.36. {1,0}: 0.7 - 0.3 = 0.4, cost 0.16
  // ({0,1} ties and is not taken: only strict improvements count).
  const std::vector<double> h = {1.0, 1.0, 1.0, 1.0};
  const std::vector<double> w = {0.3, 0.3};
  const auto q = round_adaptive(w, 1.0, h);
  EXPECT_EQ(q, (std::vector<int>{1, 0}));
  EXPECT_NEAR(rounding_error(w, 1.0, h, q), 0.16, 1e-12);
  EXPECT_NEAR(rounding_error(w, 1.0, h, {0, 0}), 0.36, 1e-12);
}

TEST(AdaptiveRounding, CoordinateDescentBeyondExhaustiveSize) {
  // 12 identical inputs (H all ones), w = 0.3 each, s = 1: nearest is all 0 with
  // error sum -3.6 (cost 12.96); the best is four weights at 1: sum 0.4, cost 0.16.
  const size_t d = 12;
  ASSERT_GT(static_cast<int64_t>(d), kExhaustiveRoundingDims);
  const std::vector<double> h(d * d, 1.0);
  const std::vector<double> w(d, 0.3);
  const auto q = round_adaptive(w, 1.0, h);
  int ones = 0;
  for (int v : q) {
    EXPECT_TRUE(v == 0 || v == 1);
    ones += v;
  }
  EXPECT_EQ(ones, 4);
  EXPECT_NEAR(rounding_error(w, 1.0, h, q), 0.16, 1e-9);
}

TEST(AdaptiveRounding, NeverWorseThanNearestAndOnlyNeighbours) {
  // A random-ish SPD H (A^T A) over 9 and 16 taps.
  for (size_t d : {9u, 16u}) {
    std::vector<double> a(d * d), h(d * d, 0.0), w(d);
    for (size_t i = 0; i < d * d; ++i) a[i] = std::sin(0.7 * static_cast<double>(i) + 1.0);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j)
        for (size_t k = 0; k < d; ++k) h[i * d + j] += a[k * d + i] * a[k * d + j];
    for (size_t i = 0; i < d; ++i) w[i] = 0.37 * std::cos(1.3 * static_cast<double>(i));
    const double s = 0.02;
    std::vector<int> nearest(d);
    for (size_t i = 0; i < d; ++i) nearest[i] = static_cast<int>(std::nearbyint(static_cast<float>(w[i]) / static_cast<float>(s)));
    const auto q = round_adaptive(w, s, h);
    EXPECT_LE(rounding_error(w, s, h, q), rounding_error(w, s, h, nearest) + 1e-15);
    for (size_t i = 0; i < d; ++i) {
      EXPECT_GE(q[i], std::floor(w[i] / s));
      EXPECT_LE(q[i], std::ceil(w[i] / s));
    }
  }
}

TEST(AdaptiveRounding, ClampsToInt8) {
  const std::vector<double> h = {1.0};
  EXPECT_EQ(round_adaptive({127.6}, 1.0, h), (std::vector<int>{127}));
  EXPECT_EQ(round_adaptive({-200.0}, 1.0, h), (std::vector<int>{-128}));
}

TEST(AdaptiveRounding, MalformedInputsGiveNearest) {
  EXPECT_EQ(round_adaptive({0.3, 0.3}, 1.0, {1.0}), (std::vector<int>{0, 0}));  // H is not 2x2
  EXPECT_EQ(round_adaptive({0.6}, 0.0, {1.0}).size(), 1u);                      // scale 0: no division trouble
}

}  // namespace
}  // namespace amct::quant
