// The standard-TF quantized form: layers sum integers and are dequantized
// after, so the fp32 simulation and the INT8 kernels give the same bits even
// with the arbitrary (not power-of-two) scales calibration produces.
#include "quant/insert_quant_ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "graph/passes/dequantize_operands.h"
#include "unit/runtime/int8/int8_test_util.h"

namespace amct::quant {
namespace {

using namespace amct::runtime::testing;  // NOLINT: test helpers
using runtime::Feeds;

AttrValue f32() { return AttrValue::of_type(DataType::kFloat); }

Node conv(const std::string& name, const std::string& op, const std::string& x, const std::string& w, int stride) {
  return make_node(name, op, {x, w},
                   {{"T", f32()}, {"strides", AttrValue::of_ints({1, stride, stride, 1})},
                    {"padding", AttrValue::of_string("SAME")}});
}

// Per output channel max|w| / 127, the ARQ-style scale of one layer.
std::vector<float> channel_scales(const Tensor& w, int64_t channels) {
  std::vector<float> m(static_cast<size_t>(channels), 0.0f);
  for (int64_t i = 0; i < w.num_elements(); ++i) {
    float& s = m[static_cast<size_t>(i % channels)];
    s = std::max(s, std::fabs(w.data<float>()[i]));
  }
  for (float& s : m) s /= 127.0f;
  return m;
}

// x -> conv 3x3 -> Relu6 -> depthwise 3x3 /2 -> Relu6 -> conv 1x1 (+ residual)
//   -> Reshape -> MatMul -> BiasAdd "logits"
struct Net {
  std::vector<Node> nodes;
  record::Record rec;
};

Net make_net() {
  Net n;
  auto& g = n.nodes;
  g.push_back(placeholder("x", {2, 9, 9, 6}));
  g.push_back(placeholder("skip", {2, 5, 5, 6}));
  auto layer = [&](const std::string& name, const std::string& op, const std::string& in, Shape ws, int64_t channels,
                   int stride, float scale_d, int offset, uint32_t seed) {
    const Tensor w = random_floats(ws, seed, -0.4f, 0.4f);
    g.push_back(const_node(name + "/weights", w));
    if (op == "MatMul")
      g.push_back(make_node(name, op, {in, name + "/weights"}, {{"T", f32()}}));
    else
      g.push_back(conv(name, op, in, name + "/weights", stride));
    g.push_back(const_node(name + "/bias", random_floats({channels}, seed + 1, -0.5f, 0.5f)));
    g.push_back(make_node(name + "/BiasAdd", "BiasAdd", {name, name + "/bias"}, {{"T", f32()}}));
    record::LayerRecord r;
    r.scale_d = scale_d;
    r.offset_d = offset;
    r.scale_w = channel_scales(w, channels);
    n.rec.layers.emplace_back(name, r);
    return name + "/BiasAdd";
  };
  const std::string c1 = layer("c1", "Conv2D", "x", {3, 3, 6, 16}, 16, 1, 3.1f / 127, 0, 11);
  g.push_back(make_node("c1/Relu6", "Relu6", {c1}, {{"T", f32()}}));
  const std::string dw = layer("dw", "DepthwiseConv2dNative", "c1/Relu6", {3, 3, 16, 1}, 16, 2, 6.0f / 255, -128, 21);
  g.push_back(make_node("dw/Relu6", "Relu6", {dw}, {{"T", f32()}}));
  const std::string pw = layer("pw", "Conv2D", "dw/Relu6", {1, 1, 16, 6}, 6, 1, 5.3f / 255, -128, 31);
  g.push_back(make_node("add", "AddV2", {pw, "skip"}, {{"T", f32()}}));
  g.push_back(const_node("shape", ints32({2}, {2, 150})));
  g.push_back(make_node("flat", "Reshape", {"add", "shape"}, {{"T", f32()}, {"Tshape", AttrValue::of_type(DataType::kInt32)}}));
  // offset 7: u8 storage with zero point 135, quantized by its own step.
  const std::string fc = layer("fc", "MatMul", "flat", {150, 10}, 10, 1, 4.7f / 255, 7, 41);
  g.push_back(make_node("logits", "Identity", {fc}, {{"T", f32()}}));
  return n;
}

Feeds feeds() {
  return {{"x", random_floats({2, 9, 9, 6}, 5, -3.0f, 3.0f)}, {"skip", random_floats({2, 5, 5, 6}, 6, -2.0f, 2.0f)}};
}

Graph quantized(const Net& n, const std::set<std::string>& outputs = {}) {
  Graph g = build(n.nodes);
  auto ins = insert_quant_ops(g, find_quantizable_layers(g), n.rec, outputs);
  EXPECT_TRUE(ins.ok()) << ins.status().message();
  if (ins.ok()) {
    EXPECT_EQ(ins->size(), 4u);
  }
  return g;
}

TEST(InsertQuantOps, LayersReadIntegersAndAreDequantizedAfter) {
  const Net n = make_net();
  Graph g = build(n.nodes);
  auto ins = insert_quant_ops(g, find_quantizable_layers(g), n.rec);
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  const Node* c1 = g.find("c1");
  EXPECT_EQ(c1->inputs[0], "c1/act_quant/clip");
  EXPECT_EQ(c1->inputs[1], "c1/weight_quant/cast");
  EXPECT_EQ(g.find("c1/BiasAdd")->inputs[1], "c1/bias_quant/cast");
  EXPECT_EQ(g.find("c1/Relu6")->inputs[0], "c1/dequant/mul");
  EXPECT_EQ(g.find("c1/dequant/mul")->inputs[0], "c1/BiasAdd");
  EXPECT_EQ((*ins)[0].float_output, "c1/dequant/mul");
  EXPECT_EQ((*ins)[0].dequant_nodes.size(), 4u);
  EXPECT_EQ(g.find("add")->inputs[0], "pw/dequant/mul");
}

TEST(InsertQuantOps, IntegerSumBoundIsTheLargestChannelsWorstCase) {
  // 1x1 conv, 2 -> 2 channels, unit scales: the int8 weights are w itself.
  // Inputs on [0, 255] (offset -128). Channel 0: 255 * (3 + 7) + 100 = 2650;
  // channel 1: 255 * (5 + 2) + 1000 = 2785.
  Graph g = build({placeholder("x", {1, 1, 1, 2}), const_node("w", floats({1, 1, 2, 2}, {3, -5, -7, 2})),
                   conv("c", "Conv2D", "x", "w", 1), const_node("b", floats({2}, {100, -1000})),
                   make_node("c/BiasAdd", "BiasAdd", {"c", "b"}, {{"T", f32()}})});
  record::Record rec;
  record::LayerRecord r;
  r.scale_d = 1.0f;
  r.offset_d = -128;
  r.scale_w = {1.0f, 1.0f};
  rec.layers.emplace_back("c", r);
  auto ins = insert_quant_ops(g, find_quantizable_layers(g), rec);
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  ASSERT_EQ(ins->size(), 1u);
  EXPECT_EQ((*ins)[0].integer_sum_bound, 2785);
  EXPECT_LT((*ins)[0].integer_sum_bound, kExactFloatIntegers);
}

TEST(InsertQuantOps, SimulationAndInt8AgreeBitForBitWithArbitraryScales) {
  const Net n = make_net();
  const Graph g = quantized(n);
  const Feeds f = feeds();
  const std::vector<Tensor> sim = run(g, {"logits", "add"}, f);
  Graph lowered = g;
  auto rep = runtime::lower_quantized(lowered);
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->lowered, (std::vector<std::string>{"c1", "dw", "pw", "fc"}));
  const std::vector<Tensor> int8 = run(lowered, {"logits", "add"}, f);
  ASSERT_EQ(sim.size(), 2u);
  ASSERT_EQ(int8.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(max_abs_diff(sim[i], int8[i]), 0.0f) << i;

  // And the quantized model is still the float one, to within quantization.
  const std::vector<Tensor> fl = run(build(n.nodes), {"logits"}, f);
  float range = 0;
  for (float v : values(fl[0])) range = std::max(range, std::fabs(v));
  EXPECT_GT(max_abs_diff(sim[0], fl[0]), 0.0f);
  EXPECT_LT(max_abs_diff(sim[0], fl[0]), 0.2f * range);
}

TEST(InsertQuantOps, LayersLeftToTheSimulationStayExact) {
  const Graph g = quantized(make_net());
  const Feeds f = feeds();
  const std::vector<Tensor> sim = run(g, {"logits"}, f);
  Graph lowered = g;
  runtime::LowerOptions o;
  o.select = [](const std::string& layer) { return layer == "dw"; };
  auto rep = runtime::lower_quantized(lowered, o);
  ASSERT_TRUE(rep.ok()) << rep.status().message();
  EXPECT_EQ(rep->lowered, std::vector<std::string>{"dw"});
  EXPECT_EQ(rep->not_selected, (std::vector<std::string>{"c1", "pw", "fc"}));
  EXPECT_EQ(max_abs_diff(sim[0], run(lowered, {"logits"}, f)[0]), 0.0f);
}

TEST(InsertQuantOps, AnOutputBiasAddKeepsItsNameAndRealValue) {
  const Net n = make_net();
  const Graph g = quantized(n, {"fc/BiasAdd"});
  EXPECT_EQ(g.find("fc/BiasAdd")->op, "Mul");
  EXPECT_EQ(g.find("fc/BiasAdd/accumulator")->op, "BiasAdd");
  EXPECT_EQ(g.find("logits")->inputs[0], "fc/BiasAdd");
  const Feeds f = feeds();
  EXPECT_EQ(max_abs_diff(run(g, {"fc/BiasAdd"}, f)[0], run(g, {"logits"}, f)[0]), 0.0f);
}

// The rewrite the INT8 lowering and the ONNX export read is the same model in
// exact arithmetic: one layer's output differs by float rounding only.
TEST(DequantizeOperands, RewritesToTheEquivalentDequantizedForm) {
  Net n = make_net();
  n.rec.layers.resize(1);  // c1 only: no later quantizer to amplify rounding
  Graph g = build(n.nodes);
  ASSERT_TRUE(insert_quant_ops(g, find_quantizable_layers(g), n.rec).ok());
  Graph rewritten = g;
  auto r = graph::dequantize_operands(rewritten);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->rewritten, std::vector<std::string>{"c1"});
  const Node* c1 = rewritten.find("c1");
  EXPECT_EQ(rewritten.find(c1->inputs[0])->op, "Mul");
  EXPECT_EQ(rewritten.find(c1->inputs[1])->op, "Mul");
  EXPECT_EQ(rewritten.find("c1/dequant/mul")->op, "Identity");
  const Feeds f = {feeds()[0]};
  const Tensor a = run(g, {"c1/Relu6"}, f)[0], b = run(rewritten, {"c1/Relu6"}, f)[0];
  EXPECT_LT(max_abs_diff(a, b), 1e-5f);
  // Declined layers are reported and left alone.
  Graph kept = g;
  auto none = graph::dequantize_operands(kept, [](const std::string&) { return false; });
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->not_selected, std::vector<std::string>{"c1"});
  EXPECT_EQ(kept.find("c1/dequant/mul")->op, "Mul");
}

}  // namespace
}  // namespace amct::quant
