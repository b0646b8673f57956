#include "quant/calib/histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace amct::quant {
namespace {

TEST(MergingHistogram, FirstBatchBinsOverItsRange) {
  MergingHistogram h(4);
  const float v[] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.9f, 4.0f};  // [0, 4], width 1; 4.0 -> last bin
  ASSERT_TRUE(h.add_batch(v, 7).is_ok());
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{2, 2, 1, 2}));
  EXPECT_EQ(h.min(), 0.0f);
  EXPECT_EQ(h.bin_width(), 1.0f);
  EXPECT_EQ(h.bound(4), 4.0f);
}

TEST(MergingHistogram, SameRangeAddsBinWise) {
  MergingHistogram h(4);
  const float a[] = {0.0f, 4.0f, 1.2f};
  const float b[] = {0.0f, 4.0f, 2.2f, 2.7f};
  ASSERT_TRUE(h.add_batch(a, 3).is_ok());
  ASSERT_TRUE(h.add_batch(b, 4).is_ok());
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{2, 1, 2, 2}));
}

// Old range [0, 4] (width 1) merged into [0, 8] (width 2): old bins [0,1],[1,2] -> new bin 0,
// [2,3],[3,4] -> new bin 1. A straddling old bin splits its count in proportion.
TEST(MergingHistogram, WiderRangeRebinsOldCounts) {
  MergingHistogram h(4);
  const float a[] = {0.5f, 1.5f, 2.5f, 3.5f, 0.0f, 4.0f};  // counts {2,1,1,2}
  ASSERT_TRUE(h.add_batch(a, 6).is_ok());
  const float b[] = {8.0f, 7.0f};
  ASSERT_TRUE(h.add_batch(b, 2).is_ok());
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{3, 3, 0, 2}));
  EXPECT_EQ(h.bin_width(), 2.0f);

  // Straddling: old [0, 2] (width 1) into [0, 3] (width 1.5). Old bin [1, 2] spans new
  // bins 0 ([0, 1.5]) and 1: (1.5 - 1) / 1 = half of its 5 counts, floor(2.5) = 2, go low.
  MergingHistogram s(2);
  const float c[] = {0.0f, 2.0f, 1.2f, 1.4f, 1.6f, 1.8f};
  ASSERT_TRUE(s.add_batch(c, 6).is_ok());
  EXPECT_EQ(s.counts(), (std::vector<uint64_t>{1, 5}));  // 1.2..2.0 fall in [1, 2]
  const float d[] = {3.0f};
  ASSERT_TRUE(s.add_batch(d, 1).is_ok());  // new range [0, 3], width 1.5
  // New batch: 3.0 -> bin 1. Old bin 0 -> new bin 0 (1); old bin 1 -> 2 low, 3 high.
  EXPECT_EQ(s.counts(), (std::vector<uint64_t>{3, 4}));
}

TEST(MergingHistogram, TotalIsPreservedOverRandomBatches) {
  std::mt19937 rng(3);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  MergingHistogram h(4096);
  uint64_t fed = 0;
  for (int b = 0; b < 20; ++b) {
    std::vector<float> v(1000 + 37 * b);
    for (float& x : v) x = dist(rng) * (1.0f + static_cast<float>(b));
    ASSERT_TRUE(h.add_batch(v.data(), v.size()).is_ok());
    fed += v.size();
  }
  EXPECT_EQ(h.total(), fed);
}

TEST(MergingHistogram, ConstantBatchGoesToTheMiddleBin) {
  MergingHistogram h(8);
  const float v[] = {2.0f, 2.0f, 2.0f};
  ASSERT_TRUE(h.add_batch(v, 3).is_ok());
  EXPECT_EQ(h.counts()[4], 3u);
  EXPECT_EQ(h.total(), 3u);
}

TEST(MergingHistogram, OverflowingRangeIsAnError) {
  MergingHistogram h(8);
  const float v[] = {-3e38f, 3e38f};
  EXPECT_FALSE(h.add_batch(v, 2).is_ok());
}

}  // namespace
}  // namespace amct::quant
