#include "workflows/perf_calibration/batch_roll_back.h"

#include <gtest/gtest.h>

#include "fake_timer.h"

namespace amct::workflows::perf_calibration {
namespace {

using testing::FakeTimer;
using testing::TrueLayer;

const LayerDecision& decision(const BatchRollBackResult& r, const std::string& name) {
  for (const auto& d : r.layers)
    if (d.cost.name == name) return d;
  throw std::runtime_error("no layer " + name);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(BatchRollBack, KeepsALayerThatPaysAndReturnsOneThatDoesNot) {
  FakeTimer t({{"pays", "", 1.0, 0.3, 0.3, 0.05}, {"slow", "", 0.2, 0.25, 0.25, 0.05}});
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(decision(*r, "pays").int8);
  EXPECT_TRUE(contains(decision(*r, "pays").reason, "INT8 pays")) << decision(*r, "pays").reason;
  EXPECT_FALSE(decision(*r, "slow").int8);
  EXPECT_TRUE(contains(decision(*r, "slow").reason, "INT8 does not pay")) << decision(*r, "slow").reason;
  EXPECT_TRUE(contains(decision(*r, "slow").reason, "confirmed"));
  EXPECT_EQ(r->int8_layers, (LayerSet{"pays"}));
  EXPECT_EQ(r->outcome, "mixed");
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_TRUE(r->runs[0].confirmed);
  EXPECT_NEAR(r->runs[0].predicted_saving_ms, 0.25 + 0.05 - 0.2, 1e-12);
  // The result beats both extremes, measured side by side.
  EXPECT_LT(r->final_ms, r->all_int8_ms);
  EXPECT_LT(r->final_ms, r->all_fp32_ms);
  EXPECT_NEAR(r->final_ms, 2.0 + 0.35 + 0.2, 1e-9);
  // Verified in fresh rounds.
  EXPECT_NEAR(r->verify_final_ms, 2.0 + 0.35 + 0.2, 1e-9);
  EXPECT_NEAR(r->verify_int8_ms, 2.0 + 0.35 + 0.3, 1e-9);
  EXPECT_NEAR(r->verify_fp32_ms, 2.0 + 1.2, 1e-9);
  EXPECT_EQ(t.history().back(), (LayerSet{"pays"}));
}

TEST(BatchRollBack, ARunThatPaysOnlyTogetherStaysInt8) {
  // Alone each costs 1.2 ms in INT8 (0.9 + 0.3 quantize) against 1.0 in fp32;
  // handed over in INT8 the chain saves 0.5 ms per link.
  FakeTimer t({{"a", "", 1.0, 0.7, 0.9, 0.3}, {"b", "a", 1.0, 0.7, 0.9, 0.3}, {"c", "b", 1.0, 0.7, 0.9, 0.3}});
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok());
  for (const char* n : {"a", "b", "c"}) {
    const auto& d = decision(*r, n);
    EXPECT_TRUE(d.int8) << n;
    EXPECT_LT(d.cost.alone_gain_ms(), 0.0) << n;
    EXPECT_TRUE(contains(d.reason, "only with its INT8 neighbours")) << d.reason;
  }
  EXPECT_EQ(r->outcome, "all INT8");
  EXPECT_TRUE(r->runs.empty());
}

TEST(BatchRollBack, AChainThatDoesNotPayFallsBackAsOneRun) {
  // Same chain, but INT8 only 0.85 ms even handed over: fp32 wins for all three.
  FakeTimer t({{"a", "", 1.0, 0.95, 1.0, 0.3}, {"b", "a", 1.0, 0.95, 1.0, 0.3}, {"c", "b", 1.0, 0.95, 1.0, 0.3},
               {"d", "", 3.0, 1.0, 1.0, 0.1}});
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_EQ(r->runs[0].layers, (std::vector<size_t>{0, 1, 2}));
  EXPECT_TRUE(contains(decision(*r, "b").reason, "run of 3 layers 'a'..'c'")) << decision(*r, "b").reason;
  EXPECT_EQ(r->int8_layers, (LayerSet{"d"}));
}

TEST(BatchRollBack, AFloatLayerBetweenInt8LayersPaysTwoBoundaries) {
  // b alone is slower in INT8 (1.02 handed over, 1.05 with a float output,
  // against 1.0 fp32), but returning it to float makes a dequantize after a
  // and a quantize before c.
  FakeTimer t({{"a", "", 1.0, 0.3, 0.35, 0.1}, {"b", "a", 1.0, 1.02, 1.05, 0.1}, {"c", "b", 1.0, 0.3, 0.35, 0.1}});
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(decision(*r, "b").int8) << decision(*r, "b").reason;
  EXPECT_GT(decision(*r, "b").cost.int8_ms, decision(*r, "b").cost.fp32_ms);
  // a hands its output over in INT8 (0.3 ms); with a float output it takes 0.35, plus its quantize.
  EXPECT_NEAR(decision(*r, "a").cost.boundary_ms(), 0.1 + 0.35 - 0.3, 1e-12);
  // c ends the chain: its output is float either way.
  EXPECT_NEAR(decision(*r, "c").cost.boundary_ms(), 0.1, 1e-12);
  EXPECT_EQ(r->outcome, "all INT8");
  // Check against the truth: the all-INT8 model is the fastest of the 8.
  auto all = t.measure({LayerSet{"a", "b", "c"}, LayerSet{"a", "c"}}, false);
  ASSERT_TRUE(all.ok());
  EXPECT_LT((*all)[0].min_ms, (*all)[1].min_ms);
}

TEST(BatchRollBack, RollsBackAFallbackTheWholeModelDoesNotConfirm) {
  FakeTimer t({{"pays", "", 1.0, 0.3, 0.3, 0.05}, {"slow", "", 0.2, 0.25, 0.25, 0.05}});
  // A cost the layer profile does not show (e.g. a layout reorder) whenever "slow" runs fp32.
  t.hidden = [](const LayerSet& s) { return s.count("slow") ? 0.0 : 0.5; };
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->runs.size(), 1u);
  EXPECT_FALSE(r->runs[0].confirmed);
  EXPECT_TRUE(decision(*r, "slow").int8);
  EXPECT_TRUE(contains(decision(*r, "slow").reason, "not confirmed")) << decision(*r, "slow").reason;
  EXPECT_EQ(r->outcome, "all INT8");
  // 4 probes, 2 for the confirmation, then twice the extremes (the result is all INT8: timed once each time).
  EXPECT_EQ(r->configs_timed, 10);
  EXPECT_EQ(t.timed(), 10);
}

TEST(BatchRollBack, ConfirmMarginDemandsAClearGain) {
  FakeTimer t({{"pays", "", 1.0, 0.3, 0.3, 0.05}, {"slow", "", 0.2, 0.25, 0.25, 0.05}});
  BatchRollBackOptions o;
  o.confirm_margin = 0.1;  // the fall-back saves 0.1 ms of ~2.6: under 10 %
  auto r = batch_roll_back(t, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(decision(*r, "slow").int8);
}

TEST(BatchRollBack, AllFp32WinsWhenTheInt8ModelIsSlowerOutsideTheLayers) {
  FakeTimer t({{"a", "", 1.0, 0.9, 0.9, 0.05}, {"b", "a", 1.0, 0.9, 0.9, 0.05}});
  t.hidden = [](const LayerSet& s) { return s.empty() ? 0.0 : 1.0; };
  auto r = batch_roll_back(t);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, "all fp32");
  EXPECT_TRUE(r->int8_layers.empty());
  EXPECT_TRUE(contains(decision(*r, "a").reason, "all-fp32 model measured fastest")) << decision(*r, "a").reason;
  EXPECT_DOUBLE_EQ(r->final_ms, r->all_fp32_ms);
}

TEST(BatchRollBack, NoLayersIsAnError) {
  FakeTimer t({});
  EXPECT_FALSE(batch_roll_back(t).ok());
}

TEST(FallbackRuns, SplitAtInt8LayersAndFollowLinks) {
  FakeTimer t({{"a", ""}, {"b", "a"}, {"c", "b"}, {"d", "c"}, {"e", ""}});
  auto probes = t.measure(probe_configs(t.structure()), true);
  ASSERT_TRUE(probes.ok());
  auto c = layer_costs(t.structure(), *probes);
  ASSERT_TRUE(c.ok());
  const auto runs = fallback_runs(*c, {false, false, true, false, false});
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].layers, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(runs[1].layers, (std::vector<size_t>{3}));
  EXPECT_EQ(runs[2].layers, (std::vector<size_t>{4}));
}

}  // namespace
}  // namespace amct::workflows::perf_calibration
