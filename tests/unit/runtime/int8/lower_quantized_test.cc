#include "runtime/int8/lower_quantized.h"

#include <gtest/gtest.h>

#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "unit/runtime/int8/conv_layer_builder.h"

namespace amct::runtime::testing {
namespace {

std::vector<Node> two_layers() {
  std::vector<Node> g{placeholder("x", {1, 6, 6, 4})};
  ConvLayer a;
  a.name = "a";
  a.relu6 = true;
  ConvLayer b;
  b.name = "b";
  b.ic = 8;
  b.offset = -128;
  b.scale_d = 1.0f / 32;
  add_conv(g, b, add_conv(g, a, "x"));
  return g;
}

TEST(LowerQuantized, RewritesEachLayerIntoOneInt8Node) {
  Graph g = build(two_layers());
  auto r = lower_quantized(g);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->lowered, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r->unmatched.empty());
  const Node* a = g.find("a");
  EXPECT_EQ(a->op, kQConvOp);
  ASSERT_EQ(a->inputs.size(), 1u);
  EXPECT_EQ(g.find(a->inputs[0])->op, kQuantizeOp);
  EXPECT_EQ(a->attr_int_or("act_offset", 99), 0);
  EXPECT_EQ(a->attr_tensor("weights")->dtype(), DataType::kInt8);
  EXPECT_EQ(a->attr_tensor("bias")->dtype(), DataType::kInt32);
  EXPECT_EQ(g.find("a/BiasAdd")->op, "Identity");
  // The Relu6 now reads the layer itself.
  EXPECT_EQ(g.find("a/Relu6")->inputs[0], "a");
  EXPECT_EQ(g.find("b")->attr_int_or("act_offset", 99), -128);
}

TEST(LowerQuantized, SelectLeavesTheOthersSimulated) {
  Graph g = build(two_layers());
  LowerOptions o;
  o.select = [](const std::string& l) { return l == "b"; };
  auto r = lower_quantized(g, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lowered, std::vector<std::string>{"b"});
  EXPECT_EQ(r->not_selected, std::vector<std::string>{"a"});
  EXPECT_EQ(g.find("a")->op, "Conv2D");
  EXPECT_EQ(r->recognized(), 2u);
}

TEST(LowerQuantized, MismatchedPatternsStayFloat) {
  auto nodes = two_layers();
  for (Node& n : nodes)
    if (n.name == "a/act_quant/clip_max") n = scalar_const(n.name, 100.0f);  // not 127 - offset
  Graph g = build(nodes);
  auto r = lower_quantized(g);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->lowered, std::vector<std::string>{"b"});
  ASSERT_EQ(r->unmatched.size(), 1u);
  EXPECT_NE(r->unmatched[0].find("a: act_quant clip [-128, 100] is not an 8-bit range"), std::string::npos)
      << r->unmatched[0];
  EXPECT_EQ(g.find("a")->op, "Conv2D");

  // Float weights behind a valid act_quant: reported, left alone.
  std::vector<Node> f{placeholder("x", {1, 4, 4, 2}), const_node("w", random_floats({1, 1, 2, 3}, 1))};
  const std::string in = add_act_quant(f, "c", "x", 0.25f, 0);
  f.push_back(make_node("c", "Conv2D", {in, "w"},
                        {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("SAME")}}));
  Graph fg = build(f);
  auto fr = lower_quantized(fg);
  ASSERT_TRUE(fr.ok());
  EXPECT_TRUE(fr->lowered.empty());
  ASSERT_EQ(fr->unmatched.size(), 1u);
  EXPECT_NE(fr->unmatched[0].find("c: "), std::string::npos);
}

TEST(LowerQuantized, RecognizesWhatInsertQuantOpsWrites) {
  // A float conv + BiasAdd + Relu6, quantized by amct's own writer.
  std::vector<Node> nodes{placeholder("x", {1, 5, 5, 3}), const_node("w", random_floats({3, 3, 3, 6}, 2)),
                          const_node("bias", random_floats({6}, 3)),
                          make_node("conv", "Conv2D", {"x", "w"},
                                    {{"T", AttrValue::of_type(DataType::kFloat)},
                                     {"strides", AttrValue::of_ints({1, 1, 1, 1})},
                                     {"padding", AttrValue::of_string("SAME")}}),
                          binop("conv/BiasAdd", "BiasAdd", "conv", "bias"),
                          make_node("relu", "Relu6", {"conv/BiasAdd"}, {{"T", AttrValue::of_type(DataType::kFloat)}})};
  Graph g = build(nodes);
  auto layers = quant::find_quantizable_layers(g);
  ASSERT_EQ(layers.size(), 1u);
  record::Record rec;
  record::LayerRecord lr;
  lr.scale_d = 0.0123f;
  lr.offset_d = -5;
  lr.scale_w = std::vector<float>(6, 0.01f);
  rec.layers.push_back({"conv", lr});
  ASSERT_TRUE(quant::insert_quant_ops(g, layers, rec).ok());
  const Tensor x = random_floats({1, 5, 5, 3}, 4, -1.5f, 1.5f);
  const auto sim = run(g, {"relu"}, {{"x", x}});
  auto r = lower_quantized(g);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->lowered, std::vector<std::string>{"conv"});
  EXPECT_TRUE(g.find("conv")->has_attr("bias"));
  const auto int8 = run(g, {"relu"}, {{"x", x}});
  ASSERT_FALSE(sim.empty());
  ASSERT_FALSE(int8.empty());
  // Arbitrary scales: the two paths differ only by float rounding.
  EXPECT_LT(max_abs_diff(sim[0], int8[0]), 1e-5f);
}

}  // namespace
}  // namespace amct::runtime::testing
