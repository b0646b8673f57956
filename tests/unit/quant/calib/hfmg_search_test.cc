#include "quant/calib/hfmg_search.h"

#include <gtest/gtest.h>

namespace amct::quant {
namespace {

// counts {0,0,1,5,5,1,0,0}: step = ceil(12/1e5) = 1, min width ceil(8/4) = 2.
// 1st trim: left walks 0,0,1 -> l=3 (3 bins for 1 count); right walks 0,0,1 -> r=4
//   (3 bins); 3 >= 3 keeps the right trim: (0, 4).
// 2nd: left -> l=3 (3 bins); right takes bin 4 (5 counts) -> r=3 (1 bin); 1 < 3 keeps
//   the left trim: (3, 4). Width 1 <= 2 stops.
TEST(HfmgSearch, WindowsHandComputed) {
  const std::vector<uint64_t> counts = {0, 0, 1, 5, 5, 1, 0, 0};
  const auto w = hfmg_search_windows(counts);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0], std::make_pair(0, 4));
  EXPECT_EQ(w[1], std::make_pair(3, 4));
}

TEST(HfmgSearch, WindowsShrinkMonotonically) {
  std::vector<uint64_t> counts(4096);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = (i * 7919) % 13;
  const auto w = hfmg_search_windows(counts);
  ASSERT_FALSE(w.empty());
  for (size_t i = 1; i < w.size(); ++i) {
    EXPECT_GE(w[i].first, w[i - 1].first);
    EXPECT_LE(w[i].second, w[i - 1].second);
  }
  EXPECT_LE(w.back().second - w.back().first, 1024);
}

// One bin of 4 counts on [1, 2] (width 1), window bins 0..3, 2 target bins of width 2:
// the source bin lies in target bin 0 (centre 1): loss = 4 * integral_0^1 e^2 de = 4/3.
TEST(HfmgSearch, LossHandComputed) {
  EXPECT_DOUBLE_EQ(hfmg_window_loss({0, 4, 0, 0}, 1.0, 0, 3, 2), 4.0 / 3.0);
  // One bin of 3 counts on [0, 2] onto one target bin (centre 1): 1.5 * 2/3 = 1.
  EXPECT_DOUBLE_EQ(hfmg_window_loss({3}, 2.0, 0, 0, 1), 1.0);
  // A bin left of the window maps onto target bin 0: bin [-1, 0] vs centre 0.5:
  // integral_{-1.5}^{-0.5} e^2 = (-0.125 + 3.375) / 3 = 13/12.
  EXPECT_DOUBLE_EQ(hfmg_window_loss({1, 0}, 1.0, 1, 1, 1), 13.0 / 12.0);
  // Target bins narrower than FLT_EPSILON: AMCT counts no loss.
  EXPECT_EQ(hfmg_window_loss({5, 5}, 1e-9, 0, 1, 256), 0.0);
}

}  // namespace
}  // namespace amct::quant
