#include "workflows/auto_calibration/strategy.h"

#include <gtest/gtest.h>

namespace amct::workflows::auto_calibration {
namespace {

TEST(Strategy, SortIsStableAscending) {
  RankingInfo r = {{"x", 0.5}, {"y", 0.2}, {"z", 0.5}, {"w", 0.2}};
  const RankingInfo s = sort_ranking(r);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].first, "y");
  EXPECT_EQ(s[1].first, "w");
  EXPECT_EQ(s[2].first, "x");
  EXPECT_EQ(s[3].first, "z");
}

TEST(Strategy, FactoryByName) {
  EXPECT_FALSE(make_strategy("predictive", std::nullopt).ok());
  EXPECT_TRUE(make_strategy("predictive", 0.5).ok());
  EXPECT_TRUE(make_strategy("binary", std::nullopt).ok());
  EXPECT_FALSE(make_strategy("genetic", 0.5).ok());
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
