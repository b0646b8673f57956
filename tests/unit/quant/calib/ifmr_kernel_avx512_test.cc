// The AVX-512 kernel gives exactly the scalar oracle's sums (std::round of the division,
// double sums in element order), including on values where the fast quotient v * (1/scale)
// and the division round to different integers.
#include "quant/calib/ifmr_kernel_avx512.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace amct::quant {
namespace {

std::vector<double> oracle(const IfmrSearch& s, const std::vector<float>& x, size_t c0, size_t c1) {
  std::vector<double> acc(s.size(), 0.0);
  for (size_t k = c0; k < c1; ++k)
    for (float v : x) {
      if (v == 0.0f) continue;
      float clipped = v > s.lo[k] ? v : s.lo[k];  // NaN clips to lo
      clipped = clipped < s.hi[k] ? clipped : s.hi[k];
      const float d = std::round(clipped / s.scale[k]) * s.scale[k] - v;
      acc[k] += static_cast<double>(d) * d;
    }
  return acc;
}

// Random values over and beyond the clip ranges, zeros of both signs, every candidate's exact
// grid half-points and their float neighbours.
std::vector<float> test_values(const IfmrSearch& s, uint32_t seed) {
  std::mt19937 rng(seed);
  const float span = std::max(std::fabs(s.lo[0]), std::fabs(s.hi.back())) * 1.5f + 1.0f;
  std::uniform_real_distribution<float> u(-span, span);
  std::vector<float> x;
  for (int i = 0; i < 3000; ++i) x.push_back(i % 5 == 0 ? 0.0f : u(rng));
  x.push_back(-0.0f);
  for (size_t k = 0; k < s.size(); k += 3)
    for (int q = -260; q <= 260; q += 7) {
      const float h = (static_cast<float>(q) + 0.5f) * s.scale[k];
      x.insert(x.end(), {h, std::nextafter(h, -INFINITY), std::nextafter(h, INFINITY)});
    }
  return x;
}

void expect_exact(const IfmrSearch& s, const std::vector<float>& x, size_t c0, size_t c1, const char* what) {
  std::vector<double> acc(s.size(), 0.0);
  ASSERT_TRUE(accumulate_ifmr_errors_avx512(s, x.data(), x.size(), acc.data(), c0, c1));
  const std::vector<double> want = oracle(s, x, c0, c1);
  for (size_t k = 0; k < s.size(); ++k) {
    if (std::isnan(want[k])) {
      EXPECT_TRUE(std::isnan(acc[k])) << what << ": candidate " << k;
      continue;
    }
    EXPECT_EQ(std::memcmp(&acc[k], &want[k], sizeof(double)), 0)
        << what << ": candidate " << k << ": " << acc[k] << " vs " << want[k];
  }
}

IfmrConfig config(bool asymmetric, float step = 0.01f) {
  IfmrConfig c;
  c.asymmetric = asymmetric;
  c.search_step = step;
  return c;
}

TEST(IfmrKernelAvx512, SameBitsAsTheScalarOracle) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "no AVX-512F on this CPU";
  struct Case {
    const char* what;
    IfmrConfig cfg;
    float min, max;
  };
  const Case cases[] = {
      {"relu6 asym", config(true), 0.0f, 6.0f},
      {"input sym", config(false), -1.0f, 0.9921875f},
      {"negative-dominant sym", config(false), -8.0f, 3.0f},
      {"all-negative asym", config(true), -2.5f, -0.1f},
      {"odd range asym", config(true), -0.37f, 0.0123f},
      {"601 candidates", config(true, 0.001f), -1.5f, 7.25f},
  };
  uint32_t seed = 1;
  for (const Case& c : cases) {
    auto s = make_ifmr_search(c.cfg, c.min, c.max);
    ASSERT_TRUE(s.ok()) << c.what;
    const std::vector<float> x = test_values(*s, seed++);
    expect_exact(*s, x, 0, s->size(), c.what);
    expect_exact(*s, x, 5, s->size() - 3, c.what);  // a thread's share need not be lane-aligned
  }
}

// Values where v * (1/scale) and v / scale round to different integers exist, and the kernel
// follows the division on them.
TEST(IfmrKernelAvx512, FollowsTheDivisionWhereTheReciprocalRoundsDifferently) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "no AVX-512F on this CPU";
  auto s = make_ifmr_search(config(true), 0.0f, 6.0f);
  ASSERT_TRUE(s.ok());
  std::vector<float> x;
  std::mt19937 rng(7);
  for (size_t k = 0; k < s->size(); ++k) {
    const float inv = 1.0f / s->scale[k];
    for (int q = 0; q < 256; ++q) {
      float v = (static_cast<float>(q) + 0.5f) * s->scale[k];
      for (int step = 0; step < 8; ++step, v = std::nextafter(v, INFINITY)) {
        if (v > s->hi[k]) break;
        if (std::round(v * inv) != std::round(v / s->scale[k])) x.push_back(v);
      }
    }
  }
  ASSERT_GT(x.size(), 10u);  // the test would prove nothing without such values
  expect_exact(*s, x, 0, s->size(), "reciprocal disagrees");
}

TEST(IfmrKernelAvx512, InvalidCandidatesAndNaNStayDefined) {
  if (!__builtin_cpu_supports("avx512f")) GTEST_SKIP() << "no AVX-512F on this CPU";
  auto s = make_ifmr_search(IfmrConfig{}, -3e9f, 3e9f);  // every scale too large: all invalid
  ASSERT_TRUE(s.ok());
  const std::vector<float> x = {1e9f, -2e9f, NAN, 0.0f, 3.0f};
  expect_exact(*s, x, 0, s->size(), "invalid");
}

}  // namespace
}  // namespace amct::quant
