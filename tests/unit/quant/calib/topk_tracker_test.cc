#include "quant/calib/topk_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

namespace amct::quant {
namespace {

TEST(TopKTracker, MatchesSortOnRandomStreamsInPieces) {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  for (size_t k : {1, 2, 5, 37}) {
    std::vector<float> data(5000);
    for (float& v : data) v = dist(rng);
    data[100] = data[200] = data[300] = 50.0f;  // ties at the top
    TopKTracker t(k, k + 3);
    size_t pos = 0;
    for (size_t piece : {1, 7, 1000, 2500, 1492}) {
      t.add(data.data() + pos, piece);
      pos += piece;
    }
    ASSERT_EQ(pos, data.size());
    std::vector<float> sorted = data;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(t.kth_largest(), sorted[sorted.size() - k]) << "k=" << k;
    EXPECT_EQ(t.kth_smallest(), sorted[k + 2]) << "k=" << k;
    EXPECT_EQ(t.count(), 5000);
  }
}

// Blocks of values within the current thresholds are skipped whole: extremes that arrive
// late, inside a block, or equal to a threshold must still count exactly.
TEST(TopKTracker, LateExtremesAndTiesAcrossSkippedBlocks) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> grid(0, 40);
  for (size_t k : {1, 3, 64, 100}) {
    std::vector<float> data(20000);
    for (float& v : data) v = static_cast<float>(grid(rng)) * 0.25f;  // many equal values
    for (size_t i = 15000; i < data.size(); i += 997) data[i] = 20.0f + static_cast<float>(i % 13);  // late maxima
    data[19999] = -5.0f;                                                                            // last value, new minimum
    TopKTracker t(k, k);
    for (size_t pos = 0; pos < data.size(); pos += 333) t.add(data.data() + pos, std::min<size_t>(333, data.size() - pos));
    std::vector<float> sorted = data;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(t.kth_largest(), sorted[sorted.size() - k]) << "k=" << k;
    EXPECT_EQ(t.kth_smallest(), sorted[k - 1]) << "k=" << k;
  }
}

TEST(TopKTracker, HandSmallCase) {
  const float v[] = {3, 9, -1, 4, 9, 0};
  TopKTracker t(2, 3);
  t.add(v, 6);
  EXPECT_EQ(t.kth_largest(), 9.0f);  // 9, 9
  EXPECT_EQ(t.kth_smallest(), 3.0f);  // -1, 0, 3
}

}  // namespace
}  // namespace amct::quant
