#include "quant/insert_ascend_ops.h"

#include <gtest/gtest.h>

#include "quant/quant_node_builders.h"
#include "runtime/session.h"

namespace amct::quant {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

TEST(PackDeqScale, BitLayoutByHand) {
  // 0.5f = 0x3F000000; 1.0f = 0x3F800000; 0.25f = 0x3E800000.
  EXPECT_EQ(pack_deq_scale(0.5f, 0, 0), 0x000000003F000000ull);
  EXPECT_EQ(pack_deq_scale(1.0f, 3, 0), 0x000000033F800000ull);
  // shift_bit 16 in [39:32], offset_w -1 (0xFF) in [47:40].
  EXPECT_EQ(pack_deq_scale(0.25f, 16, -1), 0x0000FF103E800000ull);
  // scale_d * scale_w = 0.5 * 0.25 = 0.125f = 0x3E000000.
  EXPECT_EQ(pack_deq_scale(0.5f * 0.25f, 0, 0), 0x000000003E000000ull);
}

// x [1,2,2,2] -> conv (1x1, 2->2) -> bias_add -> relu.
graph::Graph tiny_conv() {
  graph::Graph g;
  Node x;
  x.name = "x";
  x.op = "Placeholder";
  x.attrs["dtype"] = AttrValue::of_type(DataType::kFloat);
  EXPECT_TRUE(g.add_node(x).is_ok());
  // HWIO [1,1,2,2], flat (i, o) = i*2 + o.
  EXPECT_TRUE(g.add_node(make_const("w", Tensor::from_vector<float>({1, 1, 2, 2}, {0.5f, -0.25f, 1.0f, 0.125f}))).is_ok());
  EXPECT_TRUE(g.add_node(make_const("b", Tensor::from_vector<float>({2}, {1.0f, -0.5f}))).is_ok());
  Node conv;
  conv.name = "conv";
  conv.op = "Conv2D";
  conv.inputs = {"x", "w"};
  conv.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  conv.attrs["strides"] = AttrValue::of_ints({1, 1, 1, 1});
  conv.attrs["padding"] = AttrValue::of_string("SAME");
  conv.attrs["data_format"] = AttrValue::of_string("NHWC");
  EXPECT_TRUE(g.add_node(conv).is_ok());
  Node ba;
  ba.name = "bias_add";
  ba.op = "BiasAdd";
  ba.inputs = {"conv", "b"};
  ba.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  EXPECT_TRUE(g.add_node(ba).is_ok());
  Node relu;
  relu.name = "relu";
  relu.op = "Relu";
  relu.inputs = {"bias_add"};
  relu.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  EXPECT_TRUE(g.add_node(relu).is_ok());
  return g;
}

record::Record tiny_record() {
  record::Record rec;
  record::LayerRecord r;
  r.scale_d = 0.5f;
  r.offset_d = -3;
  r.scale_w = {0.25f, 0.125f};
  r.offset_w = {0, 0};
  rec.layers.emplace_back("conv", r);
  return rec;
}

TEST(InsertAscendOps, NodesAttrsAndConstantsByHand) {
  graph::Graph g = tiny_conv();
  const auto layers = find_quantizable_layers(g);
  ASSERT_EQ(layers.size(), 1u);
  auto ins = insert_ascend_ops(g, layers, tiny_record());
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  ASSERT_EQ(ins->size(), 1u);

  const Node* q = g.find("conv/act_quant/AscendQuant");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->op, "AscendQuant");
  EXPECT_EQ(q->inputs, std::vector<std::string>{"x"});
  EXPECT_EQ(q->attr_float_or("scale", 0), 2.0f);  // 1 / scale_d
  EXPECT_EQ(q->attr_float_or("offset", 0), -3.0f);
  EXPECT_EQ(q->attr_int_or("quant_bits", 0), 8);
  EXPECT_EQ(q->attr_string_or("dst_type", ""), "INT8");
  EXPECT_EQ(q->attr_type("T").value(), DataType::kFloat);

  const Node* conv = g.find("conv");
  EXPECT_EQ(conv->inputs[0], "conv/act_quant/AscendQuant");
  EXPECT_EQ(conv->inputs[1], "conv/weight_quant/AscendWeightQuant");
  const Node* wq = g.find("conv/weight_quant/AscendWeightQuant");
  ASSERT_NE(wq, nullptr);
  EXPECT_EQ(wq->op, "AscendWeightQuant");
  EXPECT_EQ(wq->attr_string_or("dst_type", ""), "INT8");
  ASSERT_EQ(wq->inputs.size(), 2u);
  auto w8 = g.find(wq->inputs[0])->attr_tensor("value");
  ASSERT_TRUE(w8.ok());
  ASSERT_EQ(w8->dtype(), DataType::kInt8);
  // 0.5/0.25, -0.25/0.125, 1.0/0.25, 0.125/0.125 (channel = flat % 2).
  const int8_t expected_w[] = {2, -2, 4, 1};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(w8->data<int8_t>()[i], expected_w[i]) << i;
  auto ow = g.find(wq->inputs[1])->attr_tensor("value");
  ASSERT_TRUE(ow.ok());
  EXPECT_EQ(ow->dtype(), DataType::kInt8);
  EXPECT_EQ(ow->num_elements(), 2);

  // Bias in the accumulator domain: 1.0 / (0.5*0.25) = 8, -0.5 / (0.5*0.125) = -8.
  const Node* ba = g.find("bias_add");
  EXPECT_EQ(ba->inputs[0], "conv");
  const Node* cast = g.find(ba->inputs[1]);
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(cast->op, "Cast");
  auto b32 = g.find(cast->inputs[0])->attr_tensor("value");
  ASSERT_TRUE(b32.ok());
  EXPECT_EQ(b32->data<int32_t>()[0], 8);
  EXPECT_EQ(b32->data<int32_t>()[1], -8);

  // AscendDequant after the BiasAdd; the Relu reads it.
  const Node* dq = g.find("conv/dequant/AscendDequant");
  ASSERT_NE(dq, nullptr);
  EXPECT_EQ(dq->op, "AscendDequant");
  EXPECT_EQ(dq->inputs[0], "bias_add");
  EXPECT_EQ(dq->attr_string_or("data_format", ""), "NHWC");
  EXPECT_EQ(dq->attr_ints("ksize").value(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(g.find("relu")->inputs[0], "conv/dequant/AscendDequant");
  auto deq = g.find(dq->inputs[1])->attr_tensor("value");
  ASSERT_TRUE(deq.ok());
  ASSERT_EQ(deq->dtype(), DataType::kUInt64);
  ASSERT_EQ(deq->num_elements(), 2);
  EXPECT_EQ(deq->data<uint64_t>()[0], 0x000000003E000000ull);  // 0.125f
  EXPECT_EQ(deq->data<uint64_t>()[1], 0x000000003D800000ull);  // 0.0625f
}

TEST(InsertAscendOps, ShiftBitGoesIntoDeqScale) {
  graph::Graph g = tiny_conv();
  record::Record rec = tiny_record();
  rec.layers[0].second.shift_bit = {5, 7};
  auto ins = insert_ascend_ops(g, find_quantizable_layers(g), rec);
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  auto deq = g.find("conv/dequant/deq_scale")->attr_tensor("value");
  ASSERT_TRUE(deq.ok());
  EXPECT_EQ(deq->data<uint64_t>()[0], 0x000000053E000000ull);
  EXPECT_EQ(deq->data<uint64_t>()[1], 0x000000073D800000ull);
}

TEST(InsertAscendOps, RuntimeRefusesAscendOpsByName) {
  graph::Graph g = tiny_conv();
  ASSERT_TRUE(insert_ascend_ops(g, find_quantizable_layers(g), tiny_record()).ok());
  auto s = runtime::Session::create(g, {"relu"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("Ascend"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace amct::quant
