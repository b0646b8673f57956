#include "formats/onnx/tf_patterns.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

using graph::Tensor;
using testing::TinyGraph;

TEST(OnnxTfPatterns, ActQdqMatchesEitherOperandOrder) {
  TinyGraph t;
  t.placeholder("x", {1, 4});
  t.act_qdq("q", "x", 0.25f, 3);
  auto m = match_act_qdq(t.g, *t.g.find("q/dequant"));
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(m->has_value());
  EXPECT_EQ((*m)->x.node, "x");
  EXPECT_EQ((*m)->scale, 0.25f);
  EXPECT_EQ((*m)->zero_point, 3);

  std::swap(t.g.find("q/dequant")->inputs[0], t.g.find("q/dequant")->inputs[1]);
  std::swap(t.g.find("q/mul_inv")->inputs[0], t.g.find("q/mul_inv")->inputs[1]);
  auto swapped = match_act_qdq(t.g, *t.g.find("q/dequant"));
  ASSERT_TRUE(swapped.ok() && swapped->has_value());
  EXPECT_EQ((*swapped)->x.node, "x");
}

TEST(OnnxTfPatterns, ActQdqThroughIdentityConstants) {
  TinyGraph t;
  t.placeholder("x", {1, 4});
  t.act_qdq("q", "x", 0.5f, 0);
  t.add("scale_read", "Identity", {"q/scale"});
  t.g.find("q/dequant")->inputs[1] = "scale_read";
  auto m = match_act_qdq(t.g, *t.g.find("q/dequant"));
  ASSERT_TRUE(m.ok() && m->has_value());
}

TEST(OnnxTfPatterns, ActQdqRejectsOtherChains) {
  TinyGraph t;
  t.placeholder("x", {1, 4});
  t.act_qdq("q", "x", 0.5f, 0);
  // Inverse that is not 1/scale: plain float math, not a quantizer.
  t.g.find("q/inv")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(3.0f));
  auto m = match_act_qdq(t.g, *t.g.find("q/dequant"));
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->has_value());
  // A non-integer zero point.
  TinyGraph u;
  u.placeholder("x", {1, 4});
  u.act_qdq("q", "x", 0.5f, 0);
  u.g.find("q/lo")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(-127.5f));
  auto z = match_act_qdq(u.g, *u.g.find("q/dequant"));
  ASSERT_TRUE(z.ok());
  EXPECT_FALSE(z->has_value());
  // Not a Mul at all.
  auto r = match_act_qdq(u.g, *u.g.find("q/round"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST(OnnxTfPatterns, ActQdqBadScaleIsAnError) {
  for (float bad : {0.0f, -0.5f, INFINITY, NAN}) {
    TinyGraph t;
    t.placeholder("x", {1, 4});
    t.act_qdq("q", "x", 0.5f, 0);
    t.g.find("q/scale")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(bad));
    auto m = match_act_qdq(t.g, *t.g.find("q/dequant"));
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_NE(m.status().message().find("node 'q/dequant' (Mul)"), std::string::npos) << m.status().message();
  }
}

TEST(OnnxTfPatterns, WeightDequant) {
  TinyGraph t;
  t.weight_dequant("l", Tensor::from_vector<int8_t>({1, 1, 2, 2}, {1, -2, 3, -4}),
                   Tensor::from_vector<float>({2}, {0.5f, 0.25f}));
  auto m = match_weight_dequant(t.g, {"l/weights", 0});
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->weight_name, "l/weights_int8");
  EXPECT_EQ((*m)->q.data<int8_t>()[3], -4);
  EXPECT_EQ((*m)->scale.data<float>()[1], 0.25f);

  // A float source is not a dequantization.
  t.g.find("l/weights_int8")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::from_vector<float>({2}, {1, 2}));
  auto f = match_weight_dequant(t.g, {"l/weights", 0});
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());

  TinyGraph bad;
  bad.weight_dequant("l", Tensor::from_vector<int8_t>({2}, {1, 2}), Tensor::from_vector<float>({2}, {0.5f, NAN}));
  EXPECT_FALSE(match_weight_dequant(bad.g, {"l/weights", 0}).ok());
}

TEST(OnnxTfPatterns, BiasFusionNeedsASingleConsumer) {
  TinyGraph t;
  t.placeholder("x", {1, 4, 4, 2});
  t.fconst("w", {1, 1, 2, 3}, std::vector<float>(6, 1.0f));
  t.window("conv", "Conv2D", {"x", "w"}, 1, "SAME");
  t.fconst("b", {3}, {1, 2, 3});
  t.add("bias", "BiasAdd", {"conv", "b"});
  auto consumers = count_consumers(t.g);
  auto f = match_bias_fusion(t.g, *t.g.find("bias"), consumers, {});
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_EQ((*f)->core->name, "conv");
  EXPECT_EQ((*f)->bias.name, "b");
  // The conv itself requested as an output, or read twice: no fusion.
  EXPECT_FALSE(match_bias_fusion(t.g, *t.g.find("bias"), consumers, {"conv"})->has_value());
  t.add("other", "Relu", {"conv"});
  EXPECT_FALSE(match_bias_fusion(t.g, *t.g.find("bias"), count_consumers(t.g), {})->has_value());
}

TEST(OnnxTfPatterns, Int32BiasIsFoldedToTfFloatValues) {
  TinyGraph t;
  t.constant("q", Tensor::from_vector<int32_t>({3}, {100, -7, 16777217}));
  graph::Node& cast = t.add("cast", "Cast", {"q"});
  cast.attrs["DstT"] = graph::AttrValue::of_type(graph::DataType::kFloat);
  t.fconst("deq", {3}, {0.5f, 0.1f, 1.0f});
  t.add("dequant", "Mul", {"deq", "cast"});
  auto b = float_bias(t.g, {"dequant", 0});
  ASSERT_TRUE(b.ok() && b->has_value());
  EXPECT_EQ((*b)->name, "dequant");
  EXPECT_EQ((*b)->value.data<float>()[0], 50.0f);
  EXPECT_EQ((*b)->value.data<float>()[1], -7.0f * 0.1f);           // float32 product, like TF
  EXPECT_EQ((*b)->value.data<float>()[2], 16777216.0f);            // float(int32) rounds as TF's Cast
  t.g.find("deq")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::from_vector<float>({3}, {0.5f, 0.0f, 1.0f}));
  EXPECT_FALSE(float_bias(t.g, {"dequant", 0}).ok());
  t.g.find("deq")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::from_vector<float>({2}, {0.5f, 1.0f}));
  auto mismatch = float_bias(t.g, {"dequant", 0});
  ASSERT_TRUE(mismatch.ok());
  EXPECT_FALSE(mismatch->has_value());
  auto c = float_bias(t.g, {"deq", 0});
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_FALSE(float_bias(t.g, {"q", 0})->has_value());  // an int Const is no float bias
}

TEST(OnnxTfPatterns, EffectiveInputsSkipFoldedWeights) {
  TinyGraph t;
  t.placeholder("x", {1, 4, 4, 2});
  t.weight_dequant("l", Tensor::from_vector<int8_t>({1, 1, 2, 1}, {1, 2}), Tensor::scalar<float>(0.5f));
  t.window("conv", "Conv2D", {"x", "l/weights"}, 1, "SAME");
  auto in = effective_inputs(t.g, *t.g.find("conv"));
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].node, "x");
  EXPECT_EQ(effective_inputs(t.g, *t.g.find("l/weights")).size(), 2u);
}

TEST(OnnxTfPatterns, ProducerSurvivesIdentityCycles) {
  TinyGraph t;
  t.add("a", "Identity", {"b"});
  t.add("b", "Identity", {"a"});
  EXPECT_EQ(producer(t.g, {"a", 0}), nullptr);
  EXPECT_FALSE(const_value(t.g, {"a", 0}).has_value());
}

}  // namespace
}  // namespace amct::onnx_export
