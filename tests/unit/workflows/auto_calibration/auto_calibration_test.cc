// The whole workflow on a tiny net written as a .pb: output files, the
// bound-already-met case, a real fallback, the all-rolled-back case, bad input.
#include "workflows/auto_calibration/auto_calibration.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/atomic_write.h"
#include "formats/json/quant_config.h"
#include "formats/record/record.h"
#include "test_util.h"
#include "unit/workflows/auto_calibration/auto_calibration_test_util.h"
#include "unit/workflows/auto_calibration/tiny_evaluator.h"

namespace amct::workflows::auto_calibration {
namespace {

namespace fs = std::filesystem;
using testing::TinyEvaluator;

struct Workspace {
  std::string dir;
  AutoCalibrationOptions opts;
};

// A fresh DIR with config.json for the tiny net; conv1 per-tensor when `per_tensor_conv1`.
Workspace setup(bool outlier, bool per_tensor_conv1) {
  Workspace r;
  r.dir = amct::testing::make_temp_dir("autocal");
  r.opts.model_file = testing::write_tiny_model(r.dir, outlier);
  r.opts.outputs = {"prob"};
  r.opts.config_file = r.dir + "/out/config.json";
  r.opts.record_file = r.dir + "/out/record.txt";
  r.opts.save_dir = r.dir + "/out/tiny";
  r.opts.log_dir = r.dir + "/amct_log";
  fs::create_directories(r.dir + "/out");
  Status st = prepare_config_file(r.opts.model_file, "", 8, 4, r.opts.config_file);
  EXPECT_TRUE(st.is_ok()) << st.message();
  if (per_tensor_conv1) {
    auto cfg = config::read_quant_config(r.opts.config_file);
    EXPECT_TRUE(cfg.ok());
    cfg->find("conv1/Conv2D")->wts.channel_wise = false;
    EXPECT_TRUE(config::write_quant_config(r.opts.config_file, *cfg).is_ok());
  }
  return r;
}

std::string slurp(const std::string& path) {
  auto t = read_file(path);
  return t.ok() ? *t : std::string();
}

TEST(AutoCalibration, BoundAlreadyMetNeedsOneQuantizedEvaluation) {
  Workspace r = setup(false, false);
  TinyEvaluator ev(1e6);
  auto res = accuracy_based_auto_calibration(r.opts, ev);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_TRUE(res->global_satisfied);
  EXPECT_EQ(ev.evaluations, 2);  // original + global, nothing else
  EXPECT_EQ(res->evaluations, 2);
  EXPECT_EQ(res->layers_quantized, res->layers_searched);
  EXPECT_EQ(res->layers_searched, 4u);  // conv1, depthwise, conv2, AvgPool
  ASSERT_EQ(res->history.size(), 1u);
  EXPECT_DOUBLE_EQ(*res->saved_accuracy, res->global_accuracy);

  // Every AMCT output, in its shape.
  const std::string out = r.dir + "/out/";
  for (const char* f : {"config.json", "record.txt", "tiny_quantized.pb", "tiny_quant.json",
                        "accuracy_based_auto_calibration_final_config.json",
                        "accuracy_based_auto_calibration_ranking_information.json",
                        "accuracy_based_auto_calibration_report.html"})
    EXPECT_TRUE(fs::exists(out + f)) << f;
  const auto ranking = nlohmann::json::parse(slurp(out + "accuracy_based_auto_calibration_ranking_information.json"));
  ASSERT_TRUE(ranking.is_array());
  ASSERT_EQ(ranking.size(), 4u);
  for (size_t i = 0; i < ranking.size(); ++i) {
    ASSERT_EQ(ranking[i].size(), 2u);
    EXPECT_TRUE(ranking[i][0].is_string());
    if (i > 0) {
      EXPECT_LE(ranking[i - 1][1].get<double>(), ranking[i][1].get<double>());
    }
  }
  const std::string history = slurp(r.opts.log_dir + "/accuracy_based_auto_calibration_record.json");
  const auto first = nlohmann::ordered_json::parse(history);  // exactly one object: the global run
  EXPECT_EQ(first["roll_back_config"].size(), 4u);
  for (const auto& [k, v] : first["roll_back_config"].items()) EXPECT_TRUE(v.get<bool>()) << k;
  EXPECT_TRUE(first["metric_eval"][0].get<bool>());
  const auto final_cfg =
      nlohmann::json::parse(slurp(out + "accuracy_based_auto_calibration_final_config.json"));
  EXPECT_TRUE(final_cfg["conv1/Conv2D"]["quant_enable"].get<bool>());
  auto rec = record::read_record(out + "record.txt");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->layers.size(), 4u);
}

TEST(AutoCalibration, RollsBackTheDamagingLayer) {
  // conv1 with per-tensor weights and one huge channel is ruined by quantization.
  Workspace r = setup(true, true);
  r.opts.sensitivity = "output-kl";
  double global_loss = 0.0;
  {
    TinyEvaluator probe(1e6);
    auto res = accuracy_based_auto_calibration(r.opts, probe);
    ASSERT_TRUE(res.ok()) << res.status().message();
    global_loss = res->original_accuracy - res->global_accuracy;
    ASSERT_GT(global_loss, 0.0);
    // The network-level measure puts conv1 first.
    const RankingInfo sorted = sort_ranking(res->ranking);
    EXPECT_EQ(sorted.front().first, "conv1/Conv2D");
  }
  for (const char* strategy : {"binary", "predictive"}) {
    TinyEvaluator ev(global_loss * 0.5);
    r.opts.strategy = strategy;
    auto res = accuracy_based_auto_calibration(r.opts, ev);
    ASSERT_TRUE(res.ok()) << res.status().message();
    EXPECT_FALSE(res->global_satisfied);
    EXPECT_FALSE(res->all_rolled_back);
    ASSERT_TRUE(res->saved_accuracy.has_value());
    EXPECT_LT(res->original_accuracy - *res->saved_accuracy, global_loss * 0.5);
    bool conv1_on = true;
    for (const auto& [name, on] : res->final_config)
      if (name == "conv1/Conv2D") conv1_on = on;
    EXPECT_FALSE(conv1_on) << strategy;
    EXPECT_GE(res->history.size(), 2u);
    EXPECT_EQ(ev.evaluations, res->evaluations);
    const auto final_cfg = nlohmann::json::parse(
        slurp(r.dir + "/out/accuracy_based_auto_calibration_final_config.json"));
    EXPECT_FALSE(final_cfg["conv1/Conv2D"]["quant_enable"].get<bool>());
    auto rec = record::read_record(r.opts.record_file);
    ASSERT_TRUE(rec.ok());
    EXPECT_EQ(rec->find("conv1/Conv2D"), nullptr);
    EXPECT_EQ(rec->layers.size(), res->layers_quantized);
    EXPECT_TRUE(fs::exists(r.dir + "/out/tiny_quantized.pb"));
    // History: back-to-back objects, as many as records.
    const std::string history = slurp(r.opts.log_dir + "/accuracy_based_auto_calibration_record.json");
    size_t objects = 0;
    for (size_t p = history.find("\"roll_back_config\""); p != std::string::npos;
         p = history.find("\"roll_back_config\"", p + 1))
      ++objects;
    EXPECT_EQ(objects, res->history.size());
    EXPECT_EQ(history.front(), '{');
  }
}

TEST(AutoCalibration, AllRolledBackWritesNoModel) {
  Workspace r = setup(false, false);
  // A model from an earlier run must go, as AMCT's clear() does.
  ASSERT_TRUE(write_file_atomic(r.dir + "/out/tiny_quantized.pb", "old").is_ok());
  TinyEvaluator ev(1e-12);
  auto res = accuracy_based_auto_calibration(r.opts, ev);
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_TRUE(res->all_rolled_back);
  EXPECT_EQ(res->layers_quantized, 0u);
  EXPECT_FALSE(fs::exists(r.dir + "/out/tiny_quantized.pb"));
  EXPECT_FALSE(fs::exists(r.dir + "/out/accuracy_based_auto_calibration_final_config.json"));
  EXPECT_TRUE(fs::exists(r.dir + "/out/accuracy_based_auto_calibration_ranking_information.json"));
  EXPECT_TRUE(fs::exists(r.dir + "/out/accuracy_based_auto_calibration_report.html"));
  const SearchRecord& last = res->history.back();
  EXPECT_EQ(count_quantized(last.roll_back_config), 0u);
  EXPECT_TRUE(last.metric_eval.satisfied);
  EXPECT_EQ(last.metric_eval.loss, 0.0);
  const std::string history = slurp(r.opts.log_dir + "/accuracy_based_auto_calibration_record.json");
  EXPECT_NE(history.rfind("\"metric_eval\":[\n        true,\n        0.0\n    ]\n}"), std::string::npos);
}

TEST(AutoCalibration, OriginalMetricIsCachedAcrossRuns) {
  Workspace r = setup(false, false);
  class Keyed : public TinyEvaluator {
   public:
    using TinyEvaluator::TinyEvaluator;
    std::string cache_key() const override { return "tiny"; }
  };
  Keyed first(1e6), second(1e6);
  auto a = accuracy_based_auto_calibration(r.opts, first);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_FALSE(a->original_cached);
  // The cached original is the reference of the first run; the second evaluator's
  // first evaluation (global) then becomes its reference, so compare counts only.
  auto b = accuracy_based_auto_calibration(r.opts, second);
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_TRUE(b->original_cached);
  EXPECT_EQ(second.evaluations, 1);
  EXPECT_DOUBLE_EQ(b->original_accuracy, a->original_accuracy);
}

TEST(AutoCalibration, AmctSignature) {
  Workspace r = setup(false, false);
  TinyEvaluator ev(1e6);
  auto res = accuracy_based_auto_calibration(r.opts.model_file, {"prob"}, r.opts.record_file, r.opts.config_file,
                                             r.opts.save_dir, ev, "BinarySearch", "CosineSimilarity");
  ASSERT_TRUE(res.ok()) << res.status().message();
  EXPECT_TRUE(res->global_satisfied);
  EXPECT_TRUE(fs::exists(r.dir + "/out/tiny_quantized.pb"));
}

TEST(AutoCalibration, BadInput) {
  Workspace r = setup(false, false);
  TinyEvaluator ev(1.0);
  // No layer enabled.
  auto cfg = config::read_quant_config(r.opts.config_file);
  ASSERT_TRUE(cfg.ok());
  for (auto& [name, l] : cfg->layers) l.quant_enable = false;
  ASSERT_TRUE(config::write_quant_config(r.opts.config_file, *cfg).is_ok());
  auto none = accuracy_based_auto_calibration(r.opts, ev);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("nothing to search"), std::string::npos);
  // A metric_eval that rejects the original itself.
  Workspace r2 = setup(false, false);
  TinyEvaluator zero(0.0);
  auto bad = accuracy_based_auto_calibration(r2.opts, zero);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("metric_eval"), std::string::npos);
  // Not DIR/NAME; unknown names.
  r2.opts.save_dir = r2.dir + "/out/";
  EXPECT_FALSE(accuracy_based_auto_calibration(r2.opts, ev).ok());
  r2.opts.save_dir = r2.dir + "/out/tiny";
  r2.opts.strategy = "nope";
  EXPECT_FALSE(accuracy_based_auto_calibration(r2.opts, ev).ok());
  r2.opts.strategy = "binary";
  r2.opts.sensitivity = "nope";
  EXPECT_FALSE(accuracy_based_auto_calibration(r2.opts, ev).ok());
  r2.opts.sensitivity = "cosine";
  r2.opts.model_file = r2.dir + "/missing.pb";
  EXPECT_FALSE(accuracy_based_auto_calibration(r2.opts, ev).ok());
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
