#include "workflows/auto_calibration/candidate_model.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "unit/workflows/auto_calibration/auto_calibration_test_util.h"

namespace amct::workflows::auto_calibration {
namespace {

record::LayerRecord act_only(float scale) {
  record::LayerRecord r;
  r.scale_d = scale;
  r.offset_d = 0;
  return r;
}

TEST(CandidateModel, RestrictKeepsRecordOrder) {
  record::Record full;
  full.layers = {{"c", act_only(1)}, {"a", act_only(2)}, {"b", act_only(3)}};
  const record::Record r = restrict_record(full, {"b", "c"});
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[0].first, "c");
  EXPECT_EQ(r.layers[1].first, "b");
  EXPECT_EQ(enabled_layers({{"x", true}, {"y", false}}), (std::set<std::string>{"x"}));
}

TEST(CandidateModel, QuantizesOnlyTheEnabledLayersAndRuns) {
  const std::string dir = amct::testing::make_temp_dir("cand");
  auto m = load_model(testing::write_tiny_model(dir, false), {"prob"});
  ASSERT_TRUE(m.ok()) << m.status().message();
  // Activation-only record for the pool, weights for conv2.
  record::Record full;
  full.layers.emplace_back("pool", act_only(0.05f));
  record::LayerRecord conv2 = act_only(6.0f / 255.0f);
  conv2.offset_d = -128;
  conv2.scale_w.assign(6, 0.01f);
  conv2.offset_w.assign(6, 0);
  full.layers.emplace_back("conv2/Conv2D", conv2);
  auto only_pool = build_candidate(*m, full, {{"pool", true}, {"conv2/Conv2D", false}}, "r.txt", "q.pb");
  ASSERT_TRUE(only_pool.ok()) << only_pool.status().message();
  EXPECT_EQ(only_pool->quantized_layers, 1u);
  auto both = build_candidate(*m, full, {{"pool", true}, {"conv2/Conv2D", true}}, "r.txt", "q.pb");
  ASSERT_TRUE(both.ok()) << both.status().message();
  EXPECT_EQ(both->quantized_layers, 2u);
  auto runner = make_runner(both->graph, *m, 1);
  ASSERT_TRUE(runner.ok()) << runner.status().message();
  graph::Tensor batch(graph::DataType::kFloat, {2, 8, 8, 3});
  auto out = (*runner)->view().run(batch);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->shape(), (graph::Shape{2, 6}));
  EXPECT_EQ((*runner)->view().height, 8);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
