#include "workflows/quant_correction.h"

#include <gtest/gtest.h>

#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "quant/quant_node_builders.h"
#include "runtime/session.h"

namespace amct::workflows {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

// x [N,1,1,2] -> conv (1x1, 2 -> 1, weights w) -> bias_add (bias 3) -> relu.
graph::Graph tiny(const std::vector<float>& w) {
  graph::Graph g;
  Node x;
  x.name = "x";
  x.op = "Placeholder";
  x.attrs["dtype"] = AttrValue::of_type(DataType::kFloat);
  EXPECT_TRUE(g.add_node(x).is_ok());
  EXPECT_TRUE(g.add_node(quant::make_const("w", Tensor::from_vector<float>({1, 1, 2, 1}, w))).is_ok());
  EXPECT_TRUE(g.add_node(quant::make_const("b", Tensor::from_vector<float>({1}, {3.0f}))).is_ok());
  Node conv = quant::make_op("conv", "Conv2D", {"x", "w"});
  conv.attrs["strides"] = AttrValue::of_ints({1, 1, 1, 1});
  conv.attrs["padding"] = AttrValue::of_string("VALID");
  conv.attrs["data_format"] = AttrValue::of_string("NHWC");
  EXPECT_TRUE(g.add_node(conv).is_ok());
  EXPECT_TRUE(g.add_node(quant::make_op("bias_add", "BiasAdd", {"conv", "b"})).is_ok());
  EXPECT_TRUE(g.add_node(quant::make_op("relu", "Relu", {"bias_add"})).is_ok());
  return g;
}

// Activations on an integer grid (scale 1, offset 0), weights at scale 1.
record::Record unit_record() {
  record::Record rec;
  record::LayerRecord r;
  r.scale_d = 1.0f;
  r.offset_d = 0;
  r.scale_w = {1.0f};
  r.offset_w = {0};
  rec.layers.emplace_back("conv", r);
  return rec;
}

float const_value(const graph::Graph& g, const std::string& name, int64_t i) {
  return g.find(name)->attr_tensor("value").value().data<float>()[i];
}

TEST(CorrectQuantization, BiasCorrectionByHandOnATinyGraph) {
  // w = (1, 2). Inputs (0.3, 0.4) and (1.3, 2.4) quantize to (0, 0) and (1, 2):
  // the quantized conv gives 0 and 5 where the float one gives 1.1 and 6.1, an
  // error of -1.1 on both images, so the bias 3 becomes 4.1.
  graph::Graph g = tiny({1.0f, 2.0f});
  const std::vector<Tensor> batches = {Tensor::from_vector<float>({1, 1, 1, 2}, {0.3f, 0.4f}),
                                       Tensor::from_vector<float>({1, 1, 1, 2}, {1.3f, 2.4f})};
  CorrectionOptions o;
  o.bias_correction = true;
  auto res = correct_quantization(g, "x", unit_record(), batches, o);
  ASSERT_TRUE(res.ok()) << res.status().message();
  ASSERT_EQ(res->size(), 1u);
  EXPECT_EQ((*res)[0].layer, "conv");
  EXPECT_TRUE((*res)[0].bias_corrected);
  EXPECT_FALSE((*res)[0].rounded);
  EXPECT_NEAR((*res)[0].max_abs_bias_shift, 1.1, 1e-6);
  EXPECT_NEAR(const_value(g, "b", 0), 4.1f, 1e-6);
  EXPECT_FLOAT_EQ(const_value(g, "w", 0), 1.0f);

  // The corrected graph, quantized with the same record, now matches the float
  // output on the calibration images up to the int32 bias rounding (4.1 -> 4 at scale 1):
  // 0 + 4 = 4 vs 1.1 + 3 = 4.1.
  graph::Graph q = g;
  ASSERT_TRUE(quant::insert_quant_ops(q, quant::find_quantizable_layers(q), unit_record()).ok());
  auto s = runtime::Session::create(q, {"bias_add"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto out = (*s)->run({{"x", batches[0]}});
  ASSERT_TRUE(out.ok());
  EXPECT_FLOAT_EQ((*out)[0].data<float>()[0], 4.0f);
}

TEST(CorrectQuantization, AdaptiveRoundingByHandOnATinyGraph) {
  // Equal inputs v = 1, 2, 3 (already on the activation grid) and w = (0.3, 0.3):
  // nearest rounding gives (0, 0); with perfectly correlated inputs only the sum
  // matters, and (1, 0) leaves error 0.4 v instead of -0.6 v. The bias then
  // absorbs the mean of 0.4 v, shrunk by its standard error:
  // 0.8 * (1 - (0.16/3) / 0.64).
  graph::Graph g = tiny({0.3f, 0.3f});
  const std::vector<Tensor> batches = {Tensor::from_vector<float>({2, 1, 1, 2}, {1, 1, 2, 2}),
                                       Tensor::from_vector<float>({1, 1, 1, 2}, {3, 3})};
  CorrectionOptions o;
  o.bias_correction = true;
  o.adaptive_rounding = true;
  auto res = correct_quantization(g, "x", unit_record(), batches, o);
  ASSERT_TRUE(res.ok()) << res.status().message();
  ASSERT_EQ(res->size(), 1u);
  EXPECT_TRUE((*res)[0].rounded);
  EXPECT_EQ((*res)[0].weights_changed, 1);
  EXPECT_FLOAT_EQ(const_value(g, "w", 0), 1.0f);
  EXPECT_FLOAT_EQ(const_value(g, "w", 1), 0.0f);
  EXPECT_NEAR(const_value(g, "b", 0), 3.0 - 0.8 * (1.0 - (0.16 / 3.0) / 0.64), 1e-5);
}

TEST(CorrectQuantization, NothingOnMeansNothingChanges) {
  graph::Graph g = tiny({1.0f, 2.0f});
  auto res = correct_quantization(g, "x", unit_record(), {Tensor::from_vector<float>({1, 1, 1, 2}, {0.3f, 0.4f})},
                                  CorrectionOptions{});
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->empty());
  EXPECT_FLOAT_EQ(const_value(g, "b", 0), 3.0f);
}

TEST(CorrectQuantization, SharedBiasIsLeftAloneWithANote) {
  graph::Graph g = tiny({1.0f, 2.0f});
  ASSERT_TRUE(g.add_node(quant::make_op("other", "Identity", {"b"})).is_ok());
  CorrectionOptions o;
  o.bias_correction = true;
  auto res = correct_quantization(g, "x", unit_record(), {Tensor::from_vector<float>({1, 1, 1, 2}, {0.3f, 0.4f})}, o);
  ASSERT_TRUE(res.ok()) << res.status().message();
  ASSERT_EQ(res->size(), 1u);
  EXPECT_FALSE((*res)[0].bias_corrected);
  EXPECT_NE((*res)[0].note.find("shared"), std::string::npos);
  EXPECT_FLOAT_EQ(const_value(g, "b", 0), 3.0f);
}


// Workflows that build from the record say in the log that they skip the
// corrections a config asks for; a config without them gets no line.
TEST(WarnCorrectionsNotApplied, NamesTheConfigAndTheWorkflowOnlyWhenAsked) {
  config::QuantConfig cfg;
  ::testing::internal::CaptureStderr();
  warn_corrections_not_applied(cfg, "plain.json", "accuracy_based_auto_calibration");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  cfg.adaptive_rounding = true;
  ::testing::internal::CaptureStderr();
  warn_corrections_not_applied(cfg, "corrected.json", "accuracy_based_auto_calibration");
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.rfind("WARNING - [AMCT]:[accuracy_based_auto_calibration]: corrected.json: ", 0), 0u) << err;
  EXPECT_NE(err.find("applied by `amct calibrate` only"), std::string::npos) << err;
}

}  // namespace
}  // namespace amct::workflows
