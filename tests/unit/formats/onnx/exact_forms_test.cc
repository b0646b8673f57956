// plan_exact_forms: which quantized layers and quantizers ONNX Runtime fuses
// into integer kernels (textbook QDQ kept) and which it computes in float
// (written in amct's arithmetic).
#include "formats/onnx/exact_forms.h"

#include <gtest/gtest.h>

#include <cmath>

#include "formats/onnx/tf_patterns.h"
#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

using graph::Tensor;
using testing::TinyGraph;

// A quantized 1x1 conv layer `p` reading `x`: act QDQ (scale s, zero point zp),
// int8 weights, int32 bias -> BiasAdd (the layer's result p + "/BiasAdd").
void quantized_layer(TinyGraph& t, const std::string& p, const std::string& x, float s, int zp) {
  t.act_qdq(p + "/act", x, s, zp);
  t.weight_dequant(p, Tensor::from_vector<int8_t>({1, 1, 2, 2}, {1, -2, 3, -4}),
                   Tensor::from_vector<float>({2}, {0.01f, 0.02f}));
  t.window(p + "/Conv2D", "Conv2D", {p + "/act/dequant", p + "/weights"}, 1, "SAME");
  t.int32_bias(p + "/bias", {7, -9}, {s * 0.01f, s * 0.02f});
  t.add(p + "/BiasAdd", "BiasAdd", {p + "/Conv2D", p + "/bias/dequant"});
}

// input -> l1 -> `act` -> l2, output l2/BiasAdd; l2's quantizer has scale s2, zero point zp2.
TinyGraph two_layers(const std::string& act, float s2, int zp2) {
  TinyGraph t;
  t.placeholder("input", {1, 4, 4, 2});
  quantized_layer(t, "l1", "input", 0.05f, 3);
  std::string x = "l1/BiasAdd";
  if (!act.empty()) {
    t.add("l1/act_fn", act, {x});
    x = "l1/act_fn";
  }
  quantized_layer(t, "l2", x, s2, zp2);
  return t;
}

ExactForms plan(const TinyGraph& t, std::set<std::string> outputs = {"l2/BiasAdd"}) {
  return plan_exact_forms(t.g, count_consumers(t.g), outputs);
}

TEST(ExactForms, LayerFeedingAQuantizerThroughARedundantRelu6IsLeftToOrtsFusion) {
  // Quantizer range [0, 0.02 * 255 = 5.1] lies inside Relu6: ORT drops the
  // Clip and fuses l1 into a QLinearConv whose output is l2's QuantizeLinear.
  const ExactForms f = plan(two_layers("Relu6", 0.02f, -128));
  EXPECT_EQ(f.integer_layers.count("l1/Conv2D"), 0u);
  EXPECT_EQ(f.multiplying_quantizers.count("l2/act/dequant"), 0u);
  // l1's own quantizer reads the graph input, and l2's result is a graph
  // output: ORT runs both in float, so both get amct's arithmetic.
  EXPECT_EQ(f.multiplying_quantizers.count("l1/act/dequant"), 1u);
  ASSERT_EQ(f.integer_layers.count("l2/Conv2D"), 1u);
  EXPECT_EQ(f.integer_layers.at("l2/Conv2D"), 0.02f);  // its scale_d
  EXPECT_EQ(f.integer_dequantizers, std::set<std::string>{"l2/act/dequant"});
}

TEST(ExactForms, QuantizerRangePastTheActivationKeepsTheLayerInFloat) {
  // [0, 0.03 * 255 = 7.65] exceeds Relu6's 6: ORT keeps the Clip, no fusion.
  const ExactForms f = plan(two_layers("Relu6", 0.03f, -128));
  EXPECT_EQ(f.integer_layers.count("l1/Conv2D"), 1u);
  EXPECT_EQ(f.multiplying_quantizers.count("l2/act/dequant"), 1u);
  EXPECT_EQ(f.integer_dequantizers.count("l1/act/dequant"), 1u);
  // Relu: redundant only when the zero point is int8's minimum.
  EXPECT_EQ(plan(two_layers("Relu", 0.05f, -128)).integer_layers.count("l1/Conv2D"), 0u);
  EXPECT_EQ(plan(two_layers("Relu", 0.05f, -100)).integer_layers.count("l1/Conv2D"), 1u);
  // No activation: the quantizer reads the layer directly, whatever its range.
  EXPECT_EQ(plan(two_layers("", 0.5f, 0)).integer_layers.count("l1/Conv2D"), 0u);
}

TEST(ExactForms, IdentityIsLookedThrough) {
  TinyGraph t = two_layers("Relu6", 0.02f, -128);
  t.add("alias", "Identity", {"l1/act_fn"});
  t.g.find("l2/act/mul_inv")->inputs[0] = "alias";
  EXPECT_EQ(plan(t).integer_layers.count("l1/Conv2D"), 0u);
}

TEST(ExactForms, ASecondReaderOrAGraphOutputBlocksTheFusion) {
  TinyGraph t = two_layers("Relu6", 0.02f, -128);
  EXPECT_EQ(plan(t, {"l2/BiasAdd", "l1/act_fn"}).integer_layers.count("l1/Conv2D"), 1u);
  t.add("other", "Relu", {"l1/BiasAdd"});
  const ExactForms f = plan(t, {"l2/BiasAdd", "other"});
  EXPECT_EQ(f.integer_layers.count("l1/Conv2D"), 1u);
  EXPECT_EQ(f.multiplying_quantizers.count("l2/act/dequant"), 1u);
}

TEST(ExactForms, FloatBiasOrASharedQuantizerKeepsTheTextbookLayer) {
  // A float bias is not on the integer grid: the layer cannot sum integers.
  TinyGraph t = two_layers("", 0.5f, 0);
  t.fconst("l2/float_bias", {2}, {0.25f, -0.5f});
  t.g.find("l2/BiasAdd")->inputs[1] = "l2/float_bias";
  ExactForms f = plan(t);
  EXPECT_EQ(f.integer_layers.count("l2/Conv2D"), 0u);
  EXPECT_EQ(f.integer_dequantizers.count("l2/act/dequant"), 0u);
  // A quantizer read by another node too keeps real values for that reader.
  TinyGraph u = two_layers("", 0.5f, 0);
  u.add("peek", "Relu", {"l2/act/dequant"});
  f = plan(u, {"l2/BiasAdd", "peek"});
  EXPECT_EQ(f.integer_layers.count("l2/Conv2D"), 0u);
  EXPECT_EQ(f.integer_dequantizers.count("l2/act/dequant"), 0u);
}

TEST(ExactForms, ChainWithBadConstantsIsNotPlanned) {
  // The export itself reports a bad scale where it converts the chain.
  TinyGraph t = two_layers("", 0.5f, 0);
  t.g.find("l2/act/scale")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(NAN));
  const ExactForms f = plan(t);
  EXPECT_EQ(f.multiplying_quantizers.count("l2/act/dequant"), 0u);
  EXPECT_EQ(f.integer_layers.count("l2/Conv2D"), 0u);
  EXPECT_EQ(f.multiplying_quantizers.count("l1/act/dequant"), 1u);
}

TEST(ExactForms, FloatLayersAreLeftAlone) {
  TinyGraph t;
  t.placeholder("input", {1, 4, 4, 2});
  t.fconst("w", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.window("conv", "Conv2D", {"input", "w"}, 1, "SAME");
  const ExactForms f = plan(t, {"conv"});
  EXPECT_TRUE(f.integer_layers.empty());
  EXPECT_TRUE(f.multiplying_quantizers.empty());
  EXPECT_TRUE(f.integer_dequantizers.empty());
}

}  // namespace
}  // namespace amct::onnx_export
