// Streaming IFMR == the all-data oracle, bit for bit, however the data is batched.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {
namespace {

// Feeds `data` in batches of the given sizes (cycled) over every pass the calibrator needs.
Expected<ActivationFactors> stream(ActivationCalibrator& cal, const std::vector<float>& data,
                                   const std::vector<size_t>& batches) {
  for (int pass = 0; pass < cal.num_passes(); ++pass) {
    size_t pos = 0, b = 0;
    while (pos < data.size()) {
      const size_t n = std::min(batches[b++ % batches.size()], data.size() - pos);
      cal.observe(pass, data.data() + pos, n, static_cast<int64_t>(data.size()));
      pos += n;
    }
  }
  return cal.finalize();
}

void expect_same(const Expected<ActivationFactors>& a, const Expected<ActivationFactors>& b, const char* what) {
  ASSERT_TRUE(a.ok()) << what << ": " << a.status().message();
  ASSERT_TRUE(b.ok()) << what << ": " << b.status().message();
  EXPECT_EQ(std::memcmp(&a->scale, &b->scale, sizeof(float)), 0) << what << ": " << a->scale << " vs " << b->scale;
  EXPECT_EQ(a->offset, b->offset) << what;
}

std::vector<float> make_data(const char* kind, size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> v(n);
  const std::string k = kind;
  std::uniform_real_distribution<float> u01(0.0f, 1.0f);
  std::normal_distribution<float> normal(0.3f, 1.7f);
  std::uniform_int_distribution<int> pixel(0, 255);
  for (float& x : v) {
    if (k == "normal") x = normal(rng);
    if (k == "relu6") x = u01(rng) < 0.2f ? 6.0f : std::min(6.0f, std::max(0.0f, normal(rng) * 2.0f));
    if (k == "mobilenet_input") x = static_cast<float>(pixel(rng)) / 128.0f - 1.0f;
    if (k == "heavy_tail") x = std::pow(u01(rng), 6.0f) * 40.0f - 1.0f;
    if (k == "negative") x = -std::fabs(normal(rng)) * 3.0f + 0.2f;
  }
  return v;
}

TEST(Ifmr, StreamingEqualsReferenceOnManyDistributions) {
  const std::vector<std::vector<size_t>> batchings = {{1u << 30}, {1000}, {7, 4096, 333}};
  for (const char* kind : {"normal", "relu6", "mobilenet_input", "heavy_tail", "negative"}) {
    const std::vector<float> data = make_data(kind, 20000, 11);
    for (bool asymmetric : {true, false}) {
      for (float percentile : {0.999999f, 0.999f}) {
        IfmrConfig c;
        c.asymmetric = asymmetric;
        c.max_percentile = c.min_percentile = percentile;
        const auto ref = ifmr_reference(data, c);
        for (const auto& batches : batchings) {
          auto cal = make_ifmr(c);
          ASSERT_EQ(cal->num_passes(), 2);
          const std::string what = std::string(kind) + (asymmetric ? " asym" : " sym") + " p=" +
                                   std::to_string(percentile) + " batch=" + std::to_string(batches[0]);
          expect_same(stream(*cal, data, batches), ref, what.c_str());
        }
      }
    }
  }
}

// SPEC: the first conv (input x/128 - 1, x in 0..255) gets scale 1/128, offset 0.
TEST(Ifmr, MobileNetInputGivesOneOver128) {
  const std::vector<float> data = make_data("mobilenet_input", 2 * 224 * 224 * 3, 3);
  auto cal = make_ifmr(IfmrConfig{});
  auto f = stream(*cal, data, {224 * 224 * 3});
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->scale, 1.0f / 128.0f);
  EXPECT_EQ(f->offset, 0);
}

// ReLU6 input with mass at 6: offset -128 and scale 6*r/255 with r >= 1, as in the sample record.
TEST(Ifmr, Relu6InputGivesOffsetMinus128) {
  const std::vector<float> data = make_data("relu6", 50000, 5);
  auto cal = make_ifmr(IfmrConfig{});
  auto f = stream(*cal, data, {4096});
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->offset, -128);
  EXPECT_GE(f->scale, 6.0f / 255.0f);
  EXPECT_LE(f->scale, 6.0f * 1.3f / 255.0f);
}

TEST(Ifmr, CandidateCountFollowsAmctFloatArithmetic) {
  // float: (1.3 - 0.7) / 0.01 + 1 = 60.999996 -> 60 candidates 0.70 .. 1.29 (numpy's
  // arange(0.7, 1.3, 0.01) in double would give 61).
  EXPECT_EQ(*ifmr_num_candidates(IfmrConfig{}), 60);
  IfmrConfig c;
  c.search_range_start = 0.8f;
  c.search_range_end = 1.0f;
  c.search_step = 0.1f;  // 0.19999999 / 0.1 = 1.9999999 (float), + 1 rounds to 3.0
  EXPECT_EQ(*ifmr_num_candidates(c), 3);
  c.search_range_end = 1.005f;
  c.search_range_start = 1.0f;
  c.search_step = 0.01f;  // 0.4999995 + 1 -> 1
  EXPECT_EQ(*ifmr_num_candidates(c), 1);
  c.search_step = 1e-9f;
  EXPECT_FALSE(ifmr_num_candidates(c).ok());
  c.search_step = 0.0f;
  EXPECT_FALSE(ifmr_num_candidates(c).ok());
}

TEST(Ifmr, PercentileK) {
  EXPECT_EQ(ifmr_percentile_k(4816896, 0.999999f), 5);  // the sample's 32 x 224x224x3
  EXPECT_EQ(ifmr_percentile_k(10, 1.0f), 1);
  EXPECT_EQ(ifmr_percentile_k(1000, 0.99f), 10);
  EXPECT_EQ(ifmr_percentile_k(3, 0.9f), 1);  // 3 - floor(2.7) = 1
  EXPECT_EQ(ifmr_percentile_k(100, 0.999999f), 1);  // floor(99.9999) = 99
}

TEST(Ifmr, ErrorsAreReportedByFinalize) {
  const std::vector<float> data = make_data("normal", 100, 1);
  {  // NaN in the data
    auto cal = make_ifmr(IfmrConfig{});
    std::vector<float> bad = data;
    bad[50] = std::nanf("");
    EXPECT_FALSE(stream(*cal, bad, {30}).ok());
  }
  {  // only pass 0
    auto cal = make_ifmr(IfmrConfig{});
    cal->observe(0, data.data(), data.size(), 100);
    auto f = cal->finalize();
    ASSERT_FALSE(f.ok());
    EXPECT_NE(f.status().message().find("2 complete passes"), std::string::npos) << f.status().message();
  }
  {  // pass 0 shorter than announced
    auto cal = make_ifmr(IfmrConfig{});
    cal->observe(0, data.data(), 60, 100);
    cal->observe(1, data.data(), 100, 100);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {  // more values than announced
    auto cal = make_ifmr(IfmrConfig{});
    cal->observe(0, data.data(), 100, 50);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {  // pass 1 announces another size
    auto cal = make_ifmr(IfmrConfig{});
    cal->observe(0, data.data(), 100, 100);
    cal->observe(1, data.data(), 50, 50);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {  // pass out of order
    auto cal = make_ifmr(IfmrConfig{});
    cal->observe(1, data.data(), 100, 100);
    EXPECT_FALSE(cal->finalize().ok());
  }
  {  // bad config
    IfmrConfig c;
    c.max_percentile = 0.3f;
    auto cal = make_ifmr(c);
    EXPECT_FALSE(stream(*cal, data, {100}).ok());
  }
}

}  // namespace
}  // namespace amct::quant
