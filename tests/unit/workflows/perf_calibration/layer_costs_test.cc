#include "workflows/perf_calibration/layer_costs.h"

#include <gtest/gtest.h>

#include "fake_timer.h"

namespace amct::workflows::perf_calibration {
namespace {

using testing::FakeTimer;
using testing::TrueLayer;

std::vector<LayerCost> costs_of(FakeTimer& t) {
  auto probes = t.measure(probe_configs(t.structure()), true);
  EXPECT_TRUE(probes.ok());
  auto costs = layer_costs(t.structure(), *probes);
  EXPECT_TRUE(costs.ok()) << costs.status().message();
  return *costs;
}

TEST(ProbeConfigs, CheckerboardsAlternateAlongChains) {
  FakeTimer t({{"a", ""}, {"b", "a"}, {"c", "b"}, {"d", ""}, {"e", "d"}});
  const auto p = probe_configs(t.structure());
  ASSERT_EQ(p.size(), 4u);
  EXPECT_TRUE(p[0].empty());
  EXPECT_EQ(p[1].size(), 5u);
  EXPECT_EQ(p[2], (LayerSet{"a", "c", "d"}));
  EXPECT_EQ(p[3], (LayerSet{"b", "e"}));
}

TEST(LayerCosts, RecoversEveryCostFromTheFourProfiles) {
  FakeTimer t({{"a", "", 1.0, 0.3, 0.35, 0.1}, {"b", "a", 2.0, 0.6, 0.7, 0.2}, {"c", "b", 0.5, 0.4, 0.45, 0.05}});
  const auto c = costs_of(t);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_DOUBLE_EQ(c[1].fp32_ms, 2.0);
  EXPECT_DOUBLE_EQ(c[1].int8_ms, 0.6);
  EXPECT_DOUBLE_EQ(c[1].int8_alone_ms, 0.7);
  EXPECT_DOUBLE_EQ(c[1].quantize_ms, 0.2);
  EXPECT_DOUBLE_EQ(c[0].quantize_ms, 0.1);
  EXPECT_EQ(c[1].pred, 0);
  EXPECT_EQ(c[0].succ, 1);
  EXPECT_EQ(c[2].pred, 1);
  EXPECT_NEAR(c[1].boundary_ms(), 0.2 + 0.7 - 0.6, 1e-12);
  EXPECT_NEAR(link_saving_ms(c, 1), 0.2 + 0.35 - 0.3, 1e-12);
  // The cost model reproduces the fake's totals for every assignment.
  for (int mask = 0; mask < 8; ++mask) {
    std::vector<bool> on{(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0};
    auto truth = t.measure({to_layer_set(c, on)}, false);
    ASSERT_TRUE(truth.ok());
    EXPECT_NEAR(predicted_ms(c, on) + t.base_ms, truth->front().min_ms, 1e-9) << mask;
  }
}

TEST(LayerCosts, NoLinkWhereTheAllInt8ModelStillQuantizesSeparately) {
  TrueLayer b{"b", "a", 1.0, 0.5, 0.5, 0.2};
  b.hands_over = false;
  FakeTimer t({{"a", "", 1.0, 0.5, 0.5, 0.1}, b});
  const auto c = costs_of(t);
  EXPECT_EQ(c[1].pred, -1);
  EXPECT_EQ(c[0].succ, -1);
  EXPECT_DOUBLE_EQ(c[1].quantize_ms, 0.2);
}

TEST(LayerCosts, MissingStepsMarkTheLayerUnmeasured) {
  FakeTimer t({{"a", ""}, {"b", "a"}});
  auto probes = t.measure(probe_configs(t.structure()), true);
  ASSERT_TRUE(probes.ok());
  (*probes)[0].layer_ms.erase("b");
  auto c = layer_costs(t.structure(), *probes);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE((*c)[0].measured);
  EXPECT_FALSE((*c)[1].measured);
  EXPECT_FALSE(layer_costs(t.structure(), {}).ok());
}

TEST(CheapestAssignment, MatchesExhaustiveSearch) {
  // A chain of six with mixed gains, checked against all 64 assignments.
  FakeTimer t({{"a", "", 1.0, 0.8, 0.9, 0.3},
               {"b", "a", 0.4, 0.5, 0.55, 0.1},
               {"c", "b", 1.0, 0.7, 0.9, 0.3},
               {"d", "c", 0.2, 0.25, 0.3, 0.1},
               {"e", "d", 0.3, 0.1, 0.2, 0.15},
               {"f", "", 0.1, 0.2, 0.2, 0.05}});
  const auto c = costs_of(t);
  const auto best = cheapest_assignment(c);
  double exhaustive = 1e9;
  for (int mask = 0; mask < 64; ++mask) {
    std::vector<bool> on(6);
    for (int k = 0; k < 6; ++k) on[static_cast<size_t>(k)] = (mask >> k) & 1;
    exhaustive = std::min(exhaustive, predicted_ms(c, on));
  }
  EXPECT_NEAR(predicted_ms(c, best), exhaustive, 1e-12);
  EXPECT_FALSE(best[5]);  // f never pays
}

TEST(CheapestAssignment, UnmeasuredLayersStayInt8) {
  std::vector<LayerCost> c(1);
  c[0].name = "x";
  c[0].fp32_ms = 0.1;
  c[0].int8_alone_ms = 5.0;
  EXPECT_FALSE(cheapest_assignment(c)[0]);
  c[0].measured = false;
  EXPECT_TRUE(cheapest_assignment(c)[0]);
}

}  // namespace
}  // namespace amct::workflows::perf_calibration
