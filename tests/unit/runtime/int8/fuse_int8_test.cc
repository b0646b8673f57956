// Fused INT8 chains (requantization into the next layer, residual sum, ReLU)
// against the fake-quant simulation: exact with power-of-two scales, with
// and without fusion, and when only some layers are lowered.
#include "runtime/int8/fuse_int8.h"

#include <gtest/gtest.h>

#include "unit/runtime/int8/conv_layer_builder.h"

namespace amct::runtime::testing {
namespace {

// conv(s8) +bias +relu6 -> dw(u8) +bias +relu6 -> conv(u8) +bias -> Add(residual: the input)
std::vector<Node> block(std::string* out) {
  std::vector<Node> g{placeholder("x", {2, 8, 8, 4})};
  ConvLayer a;
  a.name = "expand";
  a.relu6 = true;
  a.oc = 8;
  ConvLayer d;
  d.name = "dw";
  d.depthwise = true;
  d.oc = 1;
  d.ic = 8;
  d.offset = -128;
  d.scale_d = 1.0f / 32;  // ReLU6 range on 192 steps
  d.relu6 = true;
  d.seed = 2;
  ConvLayer p;
  p.name = "project";
  p.kh = p.kw = 1;
  p.ic = 8;
  p.oc = 4;
  p.offset = -128;
  p.scale_d = 1.0f / 32;
  p.seed = 3;
  const std::string y1 = add_conv(g, a, "x");
  const std::string y2 = add_conv(g, d, y1);
  const std::string y3 = add_conv(g, p, y2);
  g.push_back(binop("add", "AddV2", y3, "x"));
  *out = "add";
  return g;
}

TEST(FuseInt8, BlockChainsInt8AndMatchesSimulation) {
  std::string out;
  const auto g = block(&out);
  const Int8Run r = run_sim_and_int8(g, {out}, {{"x", random_floats({2, 8, 8, 4}, 5, -9.0f, 9.0f)}});
  ASSERT_EQ(r.report.lowered.size(), 3u);
  // expand and dw write the next layer's u8 input; project adds the residual in float.
  EXPECT_TRUE(has_step(r.steps, "node 'expand' (AmctQConv2D+Relu6+AmctQuantize)"));
  EXPECT_TRUE(has_step(r.steps, "node 'dw' (AmctQDepthwiseConv2dNative+Relu6+AmctQuantize)"));
  EXPECT_TRUE(has_step(r.steps, "node 'project' (AmctQConv2D+AddV2)"));
  expect_identical(r);
}

TEST(FuseInt8, UnfusedEqualsFused) {
  std::string out;
  Graph g = build(block(&out));
  ASSERT_TRUE(lower_quantized(g).ok());
  const Tensor x = random_floats({2, 8, 8, 4}, 6, -9.0f, 9.0f);
  SessionOptions plain;
  plain.enable_fusion = false;
  const auto a = run(g, {out}, {{"x", x}});
  const auto b = run(g, {out}, {{"x", x}}, plain);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(max_abs_diff(a[0], b[0]), 0.0f);
}

TEST(FuseInt8, ObservedTensorStopsTheChain) {
  std::string out;
  Graph g = build(block(&out));
  ASSERT_TRUE(lower_quantized(g).ok());
  SessionOptions o;
  o.observed_tensors = {"expand/Relu6"};
  auto s = Session::create(g, {out}, o);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(has_step((*s)->plan_steps(), "node 'expand' (AmctQConv2D+Relu6)"));
  EXPECT_FALSE(has_step((*s)->plan_steps(), "node 'expand' (AmctQConv2D+Relu6+AmctQuantize)"));
}

TEST(FuseInt8, MixedInt8AndSimulatedLayers) {
  std::string out;
  const auto g = block(&out);
  LowerOptions only_dw;
  only_dw.select = [](const std::string& layer) { return layer == "dw"; };
  const Int8Run r = run_sim_and_int8(g, {out}, {{"x", random_floats({2, 8, 8, 4}, 8, -9.0f, 9.0f)}}, only_dw);
  EXPECT_EQ(r.report.lowered, std::vector<std::string>{"dw"});
  EXPECT_EQ(r.report.not_selected.size(), 2u);
  EXPECT_TRUE(has_step(r.steps, "(AmctQDepthwiseConv2dNative"));
  EXPECT_TRUE(has_step(r.steps, "node 'expand' (Conv2D"));
  EXPECT_TRUE(has_step(r.steps, "node 'project' (Conv2D"));
  expect_identical(r);
}

TEST(FuseInt8, NextLayerWithZeroPointGetsFloatAndItsOwnQuantize) {
  std::vector<Node> g{placeholder("x", {1, 6, 6, 4})};
  ConvLayer a;
  a.name = "a";
  a.relu6 = true;
  ConvLayer b;
  b.name = "b";
  b.ic = 8;
  b.offset = 13;  // u8 with zero point 141
  b.scale_d = 1.0f / 32;
  b.kh = b.kw = 1;
  const std::string out = add_conv(g, b, add_conv(g, a, "x"));
  const Int8Run r = run_sim_and_int8(g, {out}, {{"x", random_floats({1, 6, 6, 4}, 12, -9.0f, 9.0f)}});
  EXPECT_TRUE(has_step(r.steps, "node 'a' (AmctQConv2D+Relu6)"));
  EXPECT_TRUE(has_step(r.steps, "(AmctQuantize)"));
  expect_identical(r);
}

TEST(FuseInt8, MatMulReluRequantChain) {
  // x[3,16] -> fc1 (offset 11: zero point folded) +bias +relu -> fc2 (u8, offset -128) +bias
  std::vector<Node> g{placeholder("x", {3, 16})};
  const std::vector<float> sw1 = pow2_scales(12, 5, 7), sw2 = pow2_scales(5, 5, 6);
  const std::string a1 = add_act_quant(g, "fc1", "x", 1.0f / 16, 11);
  const std::string w1 = add_weight_quant(g, "fc1", random_int8({16, 12}, 3, -32, 31), floats({12}, sw1));
  g.push_back(make_node("fc1", "MatMul", {a1, w1}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  const std::string b1 = add_bias_quant(g, "fc1", random_int32({12}, 4, -500, 500), 1.0f / 16, sw1);
  g.push_back(binop("fc1/BiasAdd", "BiasAdd", "fc1", b1));
  g.push_back(make_node("fc1/Relu", "Relu", {"fc1/BiasAdd"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  const std::string a2 = add_act_quant(g, "fc2", "fc1/Relu", 1.0f / 8, -128);
  const std::string w2 = add_weight_quant(g, "fc2", random_int8({12, 5}, 5, -32, 31), floats({5}, sw2));
  g.push_back(make_node("fc2", "MatMul", {a2, w2}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  const std::string b2 = add_bias_quant(g, "fc2", random_int32({5}, 6, -500, 500), 1.0f / 8, sw2);
  g.push_back(binop("fc2/BiasAdd", "BiasAdd", "fc2", b2));
  const Int8Run r = run_sim_and_int8(g, {"fc2/BiasAdd"}, {{"x", random_floats({3, 16}, 9, -9.0f, 9.0f)}});
  ASSERT_EQ(r.report.lowered.size(), 2u);
  EXPECT_TRUE(has_step(r.steps, "node 'fc1' (AmctQMatMul+Relu+AmctQuantize)"));
  expect_identical(r);
}

}  // namespace
}  // namespace amct::runtime::testing
