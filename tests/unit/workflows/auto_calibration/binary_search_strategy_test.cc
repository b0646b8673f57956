// AMCT's BinarySearch, checked step by step against hand-run traces of
// binary_search_strategy.py + the fine_search loop.
#include "workflows/auto_calibration/binary_search_strategy.h"

#include <gtest/gtest.h>

#include "unit/workflows/auto_calibration/auto_calibration_test_util.h"

namespace amct::workflows::auto_calibration {
namespace {

using testing::World;

// Layer order differs from sensitivity order: L7 > L2 > L9 > the rest.
World world(double d7, double d2, double d9, double rest) {
  World w;
  for (int i = 0; i < 10; ++i) {
    w.names.push_back("L" + std::to_string(i));
    w.damage.push_back(rest);
  }
  w.damage[7] = d7;
  w.damage[2] = d2;
  w.damage[9] = d9;
  return w;
}

TEST(BinarySearchStrategy, RollsBackHalfThenNarrowsLikeAmct) {
  // Needs the 3 most sensitive rolled back: 0.7 < 1 passes, 2.2 does not.
  const World w = world(5.0, 3.0, 1.5, 0.1);
  BinarySearchStrategy s;
  std::vector<size_t> rolled;
  const SearchOutcome out = testing::search(s, w, &rolled);
  // left=0,right=9: mid 4 (5 back) pass; right=3, mid 1 (2 back) fail; left=2, mid 2 (3 back) pass; stop.
  EXPECT_EQ(rolled, (std::vector<size_t>{5, 2, 3}));
  EXPECT_EQ(out.evaluations, 3);
  EXPECT_FALSE(out.all_rolled_back);
  ASSERT_EQ(out.final_config.size(), 10u);
  // AMCT's order: ascending sensitivity.
  EXPECT_EQ(out.final_config[0], std::make_pair(std::string("L7"), false));
  EXPECT_EQ(out.final_config[1], std::make_pair(std::string("L2"), false));
  EXPECT_EQ(out.final_config[2], std::make_pair(std::string("L9"), false));
  EXPECT_EQ(count_quantized(out.final_config), 7u);
  EXPECT_NEAR(*out.final_accuracy, 99.3, 1e-9);
}

TEST(BinarySearchStrategy, FailingLastStepGoesBackToLastPassingConfig) {
  // Needs 2 rolled back.
  const World w = world(5.0, 3.0, 0.1, 0.1);
  BinarySearchStrategy s;
  std::vector<size_t> rolled;
  const SearchOutcome out = testing::search(s, w, &rolled);
  // mid 4 (5) pass; right=3, mid 1 (2) pass; right=0, mid 0 (1) fail; left=1>right: back to 2.
  EXPECT_EQ(rolled, (std::vector<size_t>{5, 2, 1, 2}));
  ASSERT_EQ(out.history.size(), 4u);
  EXPECT_TRUE(out.history[3].cached);  // AMCT re-evaluates it; the cache does not
  EXPECT_EQ(out.evaluations, 3);
  EXPECT_TRUE(out.history[3].metric_eval.satisfied);
  EXPECT_EQ(count_quantized(out.final_config), 8u);
}

TEST(BinarySearchStrategy, NothingPassesEndsAllRolledBack) {
  World w;
  w.names = {"a", "b", "c", "d"};
  w.damage = {1.0, 2.0, 3.0, 4.0};
  w.max_loss = 1e-9;
  BinarySearchStrategy s;
  std::vector<size_t> rolled;
  const SearchOutcome out = testing::search(s, w, &rolled);
  // mid 1 (2 back) fail; left=2, mid 2 (3 back) fail; left=3, mid 3: every layer -> stop, no evaluation.
  EXPECT_EQ(rolled, (std::vector<size_t>{2, 3, 4}));
  EXPECT_EQ(out.evaluations, 2);
  EXPECT_TRUE(out.all_rolled_back);
  EXPECT_FALSE(out.final_accuracy.has_value());
  const SearchRecord& last = out.history.back();
  EXPECT_TRUE(last.metric_eval.satisfied);  // metric_eval(original, original)
  EXPECT_EQ(last.metric_eval.loss, 0.0);
  EXPECT_EQ(count_quantized(last.roll_back_config), 0u);
  // Ranking order: d (most damage) first.
  EXPECT_EQ(last.roll_back_config[0].first, "d");
}

TEST(BinarySearchStrategy, SingleLayerIsRolledBackWithoutEvaluation) {
  World w;
  w.names = {"only"};
  w.damage = {2.0};
  BinarySearchStrategy s;
  const SearchOutcome out = testing::search(s, w);
  EXPECT_TRUE(out.all_rolled_back);
  EXPECT_EQ(out.evaluations, 0);
  EXPECT_EQ(out.history.size(), 1u);
}

TEST(BinarySearchStrategy, StepBoundShrinks) {
  BinarySearchStrategy s;
  World w = world(5.0, 3.0, 1.5, 0.1);
  s.initialize(w.ranking());
  EXPECT_EQ(s.max_remaining_steps(), 4);  // 10 layers: at most 4 halvings
  auto r = s.update_quant_config({false, 10.0});
  EXPECT_FALSE(r.stop_flag);
  EXPECT_EQ(r.roll_back_config.size() - count_quantized(r.roll_back_config), 5u);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
