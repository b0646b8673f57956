#include "workflows/auto_calibration/predictive_strategy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "unit/workflows/auto_calibration/auto_calibration_test_util.h"
#include "workflows/auto_calibration/binary_search_strategy.h"

namespace amct::workflows::auto_calibration {
namespace {

using testing::World;

TEST(PredictiveStrategy, LandsOnTheBoundaryInTwoEvaluations) {
  World w;
  for (int i = 0; i < 10; ++i) {
    w.names.push_back("L" + std::to_string(i));
    w.damage.push_back(0.1);
  }
  w.damage[7] = 5.0;
  w.damage[2] = 3.0;
  w.damage[9] = 1.5;
  PredictiveStrategy p(w.max_loss);
  std::vector<size_t> rolled;
  const SearchOutcome out = testing::search(p, w, &rolled);
  // Exact damages: predicts 3 (passes), checks 2 (fails), keeps 3 (reused).
  EXPECT_EQ(rolled, (std::vector<size_t>{3, 2, 3}));
  EXPECT_EQ(out.evaluations, 2);
  EXPECT_EQ(count_quantized(out.final_config), 7u);
  EXPECT_TRUE(out.history.back().cached);
}

// MobileNetV1 0.25, per-channel, 1300 images (docs/AUTO_CALIBRATION.md): the
// measured ranking, and losses that stay near 1 point until the 11th layer of
// the ranking is rolled back, then drop to 0.08. The first prediction (11)
// is right, but no interpolation through the loss curve finds 10 next; the
// neighbour check does.
TEST(PredictiveStrategy, PassingPredictionIsConfirmedByItsNeighbourDespiteACliff) {
  const std::vector<double> sensitivity = {0.9326, 0.9912, 0.9925, 0.9951, 0.9953, 0.9962, 0.9965, 0.9974,
                                           0.9977, 0.9978, 0.9980, 0.9980, 0.9982, 0.9983, 0.9985, 0.9986,
                                           0.9987, 0.9991, 0.9992, 0.9995, 0.9996, 0.9996, 0.9997, 0.9997,
                                           0.9998, 0.9999, 0.9999, 1.0000, 1.0000};
  World w;
  w.original = 65.846;
  w.max_loss = 0.5;
  std::vector<double> damage = {2.0, 0.4, 0.3, 0.15, 0.05, 0.05, 0.05, 0.04, 0.04, 0.0, 0.85};
  damage.resize(sensitivity.size(), 0.077 / 18);
  RankingInfo ranking;
  for (size_t i = 0; i < sensitivity.size(); ++i) {
    w.names.push_back("L" + std::to_string(i));
    ranking.emplace_back(w.names.back(), sensitivity[i]);
  }
  w.damage = damage;
  auto run = [&](Strategy& s, std::vector<size_t>* rolled) {
    s.set_original_metric(w.original);
    s.initialize(ranking);
    auto metric = [&w](double a, double b) { return w.metric_eval(a, b); };
    auto eval = [&w](const EvalRequest& r) -> Expected<double> { return w.metric(r.config); };
    auto out = fine_search(s, metric, w.original, w.metric(w.all_on()), eval);
    EXPECT_TRUE(out.ok());
    if (out.ok())
      for (const auto& h : out->history) rolled->push_back(h.roll_back_config.size() - count_quantized(h.roll_back_config));
    return out.ok() ? out.value() : SearchOutcome{};
  };
  BinarySearchStrategy b;
  PredictiveStrategy p(w.max_loss);
  std::vector<size_t> rolled_b, rolled_p;
  const SearchOutcome ob = run(b, &rolled_b), op = run(p, &rolled_p);
  EXPECT_EQ(rolled_b, (std::vector<size_t>{15, 7, 11, 9, 10, 11}));  // what the real run visited
  EXPECT_EQ(rolled_p, (std::vector<size_t>{11, 10, 11}));
  EXPECT_EQ(ob.final_config, op.final_config);
  EXPECT_EQ(count_quantized(op.final_config), 18u);
  EXPECT_EQ(ob.evaluations, 5);
  EXPECT_EQ(op.evaluations, 2);
}

World random_world(uint32_t seed, size_t n) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> dmg(-3.0, 1.5);
  World w;
  double total = 0.0;
  for (size_t i = 0; i < n; ++i) {
    w.names.push_back("layer_" + std::to_string(i));
    w.damage.push_back(dmg(rng));
    total += w.damage.back();
  }
  w.max_loss = total * std::uniform_real_distribution<double>(0.02, 0.6)(rng);
  return w;
}

// The metric uses the true damage; the ranking a noisy estimate of it.
SearchOutcome run_noisy(Strategy& s, const World& truth, double noise, uint32_t seed, bool tell_original = true) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> err(0.0, noise);
  RankingInfo ranking;
  for (size_t i = 0; i < truth.names.size(); ++i)
    ranking.emplace_back(truth.names[i], std::exp(-truth.damage[i] * (noise > 0 ? err(rng) : 1.0)));
  if (tell_original) s.set_original_metric(truth.original);
  s.initialize(ranking);
  auto metric = [&truth](double a, double b) { return truth.metric_eval(a, b); };
  auto eval = [&truth](const EvalRequest& r) -> Expected<double> { return truth.metric(r.config); };
  auto out = fine_search(s, metric, truth.original, truth.metric(truth.all_on()), eval);
  EXPECT_TRUE(out.ok());
  return out.ok() ? out.value() : SearchOutcome{};
}

TEST(PredictiveStrategy, SameAnswerAsBinarySearchWithFewerEvaluations) {
  for (double noise : {0.0, 0.3, 1.0}) {
    int binary_total = 0, predictive_total = 0, linear_total = 0;
    for (uint32_t seed = 1; seed <= 40; ++seed) {
      const World w = random_world(seed, 54);
      if (w.metric_eval(w.original, w.metric(w.all_on())).satisfied) continue;
      BinarySearchStrategy b;
      PredictiveStrategy p(w.max_loss), linear(w.max_loss);
      const SearchOutcome ob = run_noisy(b, w, noise, seed * 7 + 1);
      const SearchOutcome op = run_noisy(p, w, noise, seed * 7 + 1);
      // Additive damage: the plain linear model (no ceiling) is exact.
      const SearchOutcome ol = run_noisy(linear, w, noise, seed * 7 + 1, false);
      // The loss falls monotonically along any ranking here, so all find the
      // smallest passing prefix of the same ranking.
      EXPECT_EQ(ob.final_config, op.final_config) << "seed " << seed << " noise " << noise;
      EXPECT_EQ(ob.final_config, ol.final_config) << "seed " << seed << " noise " << noise;
      EXPECT_EQ(ob.all_rolled_back, op.all_rolled_back);
      binary_total += ob.evaluations;
      predictive_total += op.evaluations;
      linear_total += ol.evaluations;
      if (noise == 0.0) {
        EXPECT_LE(ol.evaluations, 3) << "seed " << seed;
      }
    }
    EXPECT_LT(predictive_total, binary_total) << "noise " << noise;
    EXPECT_LT(linear_total, binary_total) << "noise " << noise;
    std::printf("additive loss, ranking noise %.1f: binary %d, predictive %d (without the ceiling %d) evaluations\n",
                noise, binary_total, predictive_total, linear_total);
  }
}

// Per-tensor weights on every layer: each layer scales the accuracy down, the
// global model is near chance, and the loss saturates at the original metric.
TEST(PredictiveStrategy, SaturatingLossUsesTheOriginalMetricAsCeiling) {
  for (size_t n : {29u, 54u}) {
    int binary_total = 0, predictive_total = 0, linear_total = 0;
    for (uint32_t seed = 1; seed <= 40; ++seed) {
      std::mt19937 rng(seed);
      std::lognormal_distribution<double> dmg(-2.0, 1.2);
      World w;
      w.saturating = true;
      w.original = 70.0;
      w.max_loss = 0.5;
      double sum = 0.0;
      for (size_t i = 0; i < n; ++i) {
        w.names.push_back("layer_" + std::to_string(i));
        w.damage.push_back(dmg(rng));
        sum += w.damage.back();
      }
      const double global_u = std::uniform_real_distribution<double>(1.0, 5.0)(rng);
      for (auto& d : w.damage) d *= global_u / sum;
      BinarySearchStrategy b;
      PredictiveStrategy p(w.max_loss), linear(w.max_loss);
      const SearchOutcome ob = run_noisy(b, w, 0.3, seed);
      const SearchOutcome op = run_noisy(p, w, 0.3, seed);
      const SearchOutcome ol = run_noisy(linear, w, 0.3, seed, false);
      EXPECT_EQ(ob.final_config, op.final_config) << "seed " << seed;
      EXPECT_EQ(ob.final_config, ol.final_config) << "seed " << seed;
      binary_total += ob.evaluations;
      predictive_total += op.evaluations;
      linear_total += ol.evaluations;
    }
    EXPECT_LT(predictive_total, binary_total) << n;
    EXPECT_LE(predictive_total, linear_total) << n;
    std::printf("%zu layers, saturating loss: binary %d, predictive %d (without the ceiling %d) evaluations\n", n,
                binary_total, predictive_total, linear_total);
  }
}

// u = -ln(metric/original) grows as (damage sum)^p: p != 1 is what the
// additive model gets wrong and the power-law secant follows.
TEST(PredictiveStrategy, PowerLawLoss) {
  for (double p_exp : {0.7, 1.0, 1.4}) {
    int binary_total = 0, predictive_total = 0;
    for (uint32_t seed = 1; seed <= 40; ++seed) {
      std::mt19937 rng(seed);
      std::lognormal_distribution<double> dmg(-3.0, 2.0);
      std::vector<double> d;
      double sum = 0.0;
      for (int i = 0; i < 54; ++i) sum += d.emplace_back(dmg(rng));
      const double global_u = std::uniform_real_distribution<double>(0.5, 4.0)(rng);
      // A world whose metric is original * exp(-(global_u) * (S/sum)^p), S = damage of the quantized layers.
      World w;
      w.saturating = true;
      w.original = 75.0;
      w.max_loss = 0.5;
      for (int i = 0; i < 54; ++i) w.names.push_back("layer_" + std::to_string(i));
      w.damage = d;
      struct PowerWorld : World {
        double total = 1.0, p = 1.0, scale = 1.0;
      } pw;
      static_cast<World&>(pw) = w;
      pw.total = sum;
      pw.p = p_exp;
      pw.scale = global_u;
      auto metric = [&pw](const RollBackConfig& c) {
        double s = 0.0;
        for (const auto& [name, on] : c)
          if (on) s += pw.damage[static_cast<size_t>(std::stoi(name.substr(6)))];
        return pw.original * std::exp(-pw.scale * std::pow(s / pw.total, pw.p));
      };
      auto run = [&](Strategy& s) {
        std::mt19937 noise_rng(seed * 13);
        std::lognormal_distribution<double> err(0.0, 0.3);
        RankingInfo ranking;
        for (size_t i = 0; i < d.size(); ++i) ranking.emplace_back(pw.names[i], std::exp(-d[i] * err(noise_rng)));
        s.set_original_metric(pw.original);
        s.initialize(ranking);
        auto me = [&pw](double a, double b) { return pw.metric_eval(a, b); };
        auto ev = [&](const EvalRequest& r) -> Expected<double> { return metric(r.config); };
        auto out = fine_search(s, me, pw.original, metric(pw.all_on()), ev);
        EXPECT_TRUE(out.ok());
        return out.ok() ? out.value() : SearchOutcome{};
      };
      BinarySearchStrategy b;
      PredictiveStrategy p(pw.max_loss);
      const SearchOutcome ob = run(b), op = run(p);
      EXPECT_EQ(ob.final_config, op.final_config) << "seed " << seed << " p " << p_exp;
      binary_total += ob.evaluations;
      predictive_total += op.evaluations;
    }
    EXPECT_LT(predictive_total, binary_total) << "p " << p_exp;
    std::printf("54 layers, u ~ (damage)^%.1f: binary %d, predictive %d evaluations\n", p_exp, binary_total,
                predictive_total);
  }
}

TEST(PredictiveStrategy, UninformativeRankingFallsBackToBisection) {
  World w;
  for (int i = 0; i < 32; ++i) {
    w.names.push_back("L" + std::to_string(i));
    w.damage.push_back(i < 20 ? 1.0 : 0.01);
  }
  w.max_loss = 0.5;
  PredictiveStrategy p(w.max_loss);
  // Sensitivity 1 everywhere: no damage information at all.
  RankingInfo flat;
  for (const auto& n : w.names) flat.emplace_back(n, 1.0);
  p.initialize(flat);
  auto metric = [&w](double a, double b) { return w.metric_eval(a, b); };
  auto eval = [&w](const EvalRequest& r) -> Expected<double> { return w.metric(r.config); };
  auto out = fine_search(p, metric, 100.0, w.metric(w.all_on()), eval);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(count_quantized(out->final_config), 12u);  // layers 20..31 cost 0.12 < 0.5
  EXPECT_LE(out->evaluations, 6);
}

TEST(PredictiveStrategy, SingleLayerEndsAllRolledBack) {
  World w;
  w.names = {"only"};
  w.damage = {2.0};
  PredictiveStrategy p(w.max_loss);
  const SearchOutcome out = testing::search(p, w);
  EXPECT_TRUE(out.all_rolled_back);
  EXPECT_EQ(out.evaluations, 0);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
