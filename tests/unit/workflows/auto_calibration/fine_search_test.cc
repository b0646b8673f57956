#include "workflows/auto_calibration/fine_search.h"

#include <gtest/gtest.h>

#include <deque>

namespace amct::workflows::auto_calibration {
namespace {

// Replays a fixed list of results, whatever it is told.
class ScriptedStrategy : public Strategy {
 public:
  explicit ScriptedStrategy(std::deque<StrategyResult> script) : script_(std::move(script)) {}
  std::string name() const override { return "Scripted"; }
  void initialize(const RankingInfo&) override {}
  StrategyResult update_quant_config(const MetricEval& m) override {
    seen.push_back(m);
    StrategyResult r = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return r;
  }
  int max_remaining_steps() const override { return static_cast<int>(script_.size()); }
  std::vector<MetricEval> seen;

 private:
  std::deque<StrategyResult> script_;
};

const RollBackConfig kA = {{"a", false}, {"b", true}};
const RollBackConfig kB = {{"a", true}, {"b", false}};

MetricEval bound_one(double o, double n) { return {o - n < 1.0, o - n}; }

TEST(FineSearch, StopsOnTheConfigJustEvaluated) {
  ScriptedStrategy s({{false, kA}, {true, kA}});
  int calls = 0;
  auto out = fine_search(s, bound_one, 10.0, 5.0, [&](const EvalRequest& r) -> Expected<double> {
    ++calls;
    EXPECT_EQ(r.step, 1);
    return 9.5;
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(out->history.size(), 1u);
  EXPECT_EQ(out->final_config, kA);
  EXPECT_DOUBLE_EQ(*out->final_accuracy, 9.5);
  // The strategy saw the global result first, then the step's.
  ASSERT_EQ(s.seen.size(), 2u);
  EXPECT_FALSE(s.seen[0].satisfied);
  EXPECT_DOUBLE_EQ(s.seen[0].loss, 5.0);
  EXPECT_TRUE(s.seen[1].satisfied);
}

TEST(FineSearch, ReturnToAnEarlierConfigReusesItsMetric) {
  ScriptedStrategy s({{false, kA}, {false, kB}, {true, kA}});
  int calls = 0;
  auto out = fine_search(s, bound_one, 10.0, 5.0, [&](const EvalRequest& r) -> Expected<double> {
    ++calls;
    return r.config == kA ? 9.5 : 8.0;
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(out->evaluations, 2);
  ASSERT_EQ(out->history.size(), 3u);
  EXPECT_TRUE(out->history[2].cached);
  EXPECT_EQ(out->final_config, kA);
  EXPECT_DOUBLE_EQ(*out->final_accuracy, 9.5);
}

TEST(FineSearch, ImmediateStopStillEvaluatesTheConfig) {
  ScriptedStrategy s({{true, kB}});
  int calls = 0;
  auto out = fine_search(s, bound_one, 10.0, 5.0, [&](const EvalRequest&) -> Expected<double> {
    ++calls;
    return 9.9;
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(out->final_config, kB);
}

TEST(FineSearch, EvaluationErrorsCarryTheStep) {
  ScriptedStrategy s({{false, kA}});
  auto out = fine_search(s, bound_one, 10.0, 5.0,
                         [&](const EvalRequest&) -> Expected<double> { return error("boom"); });
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("fine search step 1"), std::string::npos);
  EXPECT_NE(out.status().message().find("boom"), std::string::npos);
}

TEST(FineSearch, Counting) {
  EXPECT_FALSE(is_all_rolled_back(kA));
  EXPECT_TRUE(is_all_rolled_back({{"a", false}}));
  EXPECT_TRUE(is_all_rolled_back({}));
  EXPECT_EQ(count_quantized(kA), 1u);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
