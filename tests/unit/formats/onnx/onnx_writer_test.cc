// export_onnx / build_onnx_model: the QDQ form of amct's quantized graphs,
// output naming, what gets exported, errors and the atomic write.
#include "formats/onnx/onnx_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <fstream>

#include "core/atomic_write.h"
#include "test_util.h"
#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

using graph::DataType;
using graph::Tensor;
using testing::TinyGraph;

// input [N,8,8,2] -> act QDQ -> Conv2D 3x3 s1 SAME (int8 weights, per-channel
// scale [3]) -> BiasAdd -> Relu6: the quantized layer form amct writes.
TinyGraph quantized_conv_graph() {
  TinyGraph t;
  t.placeholder("input", {-1, 8, 8, 2});
  t.act_qdq("conv/act", "input", 0.02f, -5);
  std::vector<int8_t> w(3 * 3 * 2 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(static_cast<int>(i) * 7 % 255 - 127);
  t.weight_dequant("conv", Tensor::from_vector<int8_t>({3, 3, 2, 3}, w),
                   Tensor::from_vector<float>({3}, {0.01f, 0.02f, 0.03f}));
  t.window("conv/Conv2D", "Conv2D", {"conv/act/dequant", "conv/weights"}, 1, "SAME");
  t.fconst("conv/biases", {3}, {0.5f, -0.5f, 1.0f});
  t.add("conv/BiasAdd", "BiasAdd", {"conv/Conv2D", "conv/biases"});
  t.add("conv/Relu6", "Relu6", {"conv/BiasAdd"});
  return t;
}

TEST(OnnxWriter, QuantizedConvBecomesQdq) {
  TinyGraph t = quantized_conv_graph();
  ExportOptions opts;
  opts.outputs = {"conv/Relu6"};
  opts.exact_rounding = false;  // the textbook form; ExactFormsWhereOrtComputesInFloat has the other
  auto m = build_onnx_model(t.g, opts);
  ASSERT_TRUE(m.ok()) << m.status().message();

  // Transpose in, Q/DQ on the activation, DQ on the weights, one Conv, Clip, Transpose out.
  EXPECT_EQ(testing::op_types(*m), (std::vector<std::string>{"Transpose", "QuantizeLinear", "DequantizeLinear",
                                                             "DequantizeLinear", "Conv", "Clip", "Transpose"}));
  for (const char* gone : {"Mul", "Round", "Cast", "Add"}) EXPECT_EQ(testing::count_op(*m, gone), 0) << gone;

  // Activation: per-tensor scale, int8 zero point = offset.
  const onnx::NodeProto* q = testing::first_op(*m, "QuantizeLinear");
  ASSERT_NE(q, nullptr);
  ASSERT_EQ(q->input_size(), 3);
  EXPECT_EQ(q->input(0), "input/nchw");
  const onnx::TensorProto* s = testing::initializer(*m, q->input(1));
  const onnx::TensorProto* zp = testing::initializer(*m, q->input(2));
  ASSERT_TRUE(s && zp);
  EXPECT_EQ(s->dims_size(), 0);
  EXPECT_EQ(testing::values<float>(*s), std::vector<float>{0.02f});
  EXPECT_EQ(zp->data_type(), onnx::TensorProto::INT8);
  EXPECT_EQ(testing::values<int8_t>(*zp), std::vector<int8_t>{-5});
  const onnx::NodeProto* act_dq = testing::node_named(*m, "conv/act/dequant");
  ASSERT_NE(act_dq, nullptr);
  EXPECT_EQ(act_dq->op_type(), "DequantizeLinear");
  EXPECT_EQ(act_dq->input(0), q->output(0));
  EXPECT_EQ(act_dq->input(1), q->input(1));
  EXPECT_EQ(act_dq->input(2), q->input(2));

  // Conv: input from the activation DQ, weights from a per-channel DQ, float bias.
  const onnx::NodeProto* conv = testing::node_named(*m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  ASSERT_EQ(conv->input_size(), 3);
  EXPECT_EQ(conv->input(0), act_dq->output(0));
  EXPECT_EQ(conv->output(0), "conv/BiasAdd");
  EXPECT_EQ(testing::ints(*conv, "pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  const onnx::NodeProto* wdq = testing::producer_of(*m, conv->input(1));
  ASSERT_NE(wdq, nullptr);
  EXPECT_EQ(wdq->op_type(), "DequantizeLinear");
  ASSERT_NE(testing::attr(*wdq, "axis"), nullptr);
  EXPECT_EQ(testing::attr(*wdq, "axis")->i(), 0);
  const onnx::TensorProto* wq = testing::initializer(*m, wdq->input(0));
  const onnx::TensorProto* ws = testing::initializer(*m, wdq->input(1));
  const onnx::TensorProto* wz = testing::initializer(*m, wdq->input(2));
  ASSERT_TRUE(wq && ws && wz);
  EXPECT_EQ(wq->name(), "conv/weights_int8");
  EXPECT_EQ(wq->data_type(), onnx::TensorProto::INT8);
  EXPECT_EQ(testing::dims(*wq), (std::vector<int64_t>{3, 2, 3, 3}));  // OIHW
  const Tensor hwio = *t.g.find("conv/weights_int8")->attr_tensor("value");
  const auto oihw = testing::values<int8_t>(*wq);
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 2; ++i)
      for (int h = 0; h < 3; ++h)
        for (int w = 0; w < 3; ++w)
          ASSERT_EQ(oihw[static_cast<size_t>(((o * 2 + i) * 3 + h) * 3 + w)],
                    hwio.data<int8_t>()[((h * 3 + w) * 2 + i) * 3 + o]);
  EXPECT_EQ(testing::values<float>(*ws), (std::vector<float>{0.01f, 0.02f, 0.03f}));
  EXPECT_EQ(wz->data_type(), onnx::TensorProto::INT8);
  EXPECT_EQ(testing::values<int8_t>(*wz), (std::vector<int8_t>{0, 0, 0}));
  const onnx::TensorProto* bias = testing::initializer(*m, conv->input(2));
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->data_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(testing::values<float>(*bias), (std::vector<float>{0.5f, -0.5f, 1.0f}));

  // The output keeps the TF name, in NHWC.
  ASSERT_EQ(m->graph().output_size(), 1);
  EXPECT_EQ(m->graph().output(0).name(), "conv/Relu6");
  const onnx::NodeProto* out = testing::producer_of(*m, "conv/Relu6");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->op_type(), "Transpose");
  EXPECT_EQ(testing::ints(*out, "perm"), (std::vector<int64_t>{0, 2, 3, 1}));
}

TEST(OnnxWriter, Int32BiasChainBecomesADequantizedInt32Bias) {
  // amct writes the bias on the int32 accumulator grid: Const int32 -> Cast -> Mul(deq_scale).
  // With DQ weights it stays int32 behind a DequantizeLinear, which ORT's QDQ
  // fusion needs to turn the Conv into an integer QLinearConv.
  TinyGraph t = quantized_conv_graph();
  t.int32_bias("conv/bias_quant", {2500, -1250, 1667}, {0.0002f, 0.0004f, 0.0006f});
  t.g.find("conv/BiasAdd")->inputs[1] = "conv/bias_quant/dequant";
  auto m = build_onnx_model(t.g, {13, {"conv/Relu6"}, /*exact_rounding=*/false});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m),
            (std::vector<std::string>{"Transpose", "QuantizeLinear", "DequantizeLinear", "DequantizeLinear",
                                      "DequantizeLinear", "Conv", "Clip", "Transpose"}));
  const onnx::NodeProto* conv = testing::node_named(*m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  ASSERT_EQ(conv->input_size(), 3);
  const onnx::NodeProto* dq = testing::producer_of(*m, conv->input(2));
  ASSERT_NE(dq, nullptr);
  EXPECT_EQ(dq->op_type(), "DequantizeLinear");
  ASSERT_EQ(dq->input_size(), 2);
  const onnx::TensorProto* q = testing::initializer(*m, dq->input(0));
  const onnx::TensorProto* s = testing::initializer(*m, dq->input(1));
  ASSERT_NE(q, nullptr);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(q->data_type(), onnx::TensorProto::INT32);
  EXPECT_EQ(testing::values<int32_t>(*q), (std::vector<int32_t>{2500, -1250, 1667}));
  EXPECT_EQ(testing::values<float>(*s), (std::vector<float>{0.0002f, 0.0004f, 0.0006f}));
  const onnx::AttributeProto* axis = testing::attr(*dq, "axis");
  ASSERT_NE(axis, nullptr);
  EXPECT_EQ(axis->i(), 0);
}

TEST(OnnxWriter, ExactFormsWhereOrtComputesInFloat) {
  // The layer's output is a graph output, so ORT cannot fuse it into an
  // integer QLinearConv: the export writes amct's arithmetic in float ops.
  TinyGraph t = quantized_conv_graph();
  t.int32_bias("conv/bias_quant", {2500, -1250, 1667}, {0.0002f, 0.0004f, 0.0006f});
  t.g.find("conv/BiasAdd")->inputs[1] = "conv/bias_quant/dequant";
  auto m = build_onnx_model(t.g, {13, {"conv/Relu6"}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m),
            (std::vector<std::string>{"Transpose", "Mul", "QuantizeLinear", "DequantizeLinear", "DequantizeLinear",
                                      "DequantizeLinear", "Conv", "Mul", "Clip", "Transpose"}));
  auto scalar = [&](const std::string& name) {
    const onnx::TensorProto* init = testing::initializer(*m, name);
    EXPECT_NE(init, nullptr) << name;
    return init != nullptr && init->dims_size() == 0 ? testing::values<float>(*init) : std::vector<float>{};
  };
  // The quantizer multiplies by the graph's own 1/scale, then rounds (QuantizeLinear scale 1).
  const onnx::NodeProto* q = testing::first_op(*m, "QuantizeLinear");
  ASSERT_NE(q, nullptr);
  const onnx::NodeProto* mul = testing::producer_of(*m, q->input(0));
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(mul->op_type(), "Mul");
  EXPECT_EQ(scalar(mul->input(1)), std::vector<float>{1.0f / 0.02f});
  EXPECT_EQ(scalar(q->input(1)), std::vector<float>{1.0f});
  // The Conv reads integers: codes minus the zero point, int8 weights, the int32 bias.
  const onnx::NodeProto* conv = testing::node_named(*m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  ASSERT_EQ(conv->input_size(), 3);
  for (int i = 0; i < 3; ++i) {
    const onnx::NodeProto* dq = testing::producer_of(*m, conv->input(i));
    ASSERT_NE(dq, nullptr);
    EXPECT_EQ(dq->op_type(), "DequantizeLinear");
    EXPECT_EQ(scalar(dq->input(1)), std::vector<float>{1.0f}) << conv->input(i);
    EXPECT_EQ(testing::attr(*dq, "axis"), nullptr);
  }
  EXPECT_EQ(testing::values<int8_t>(*testing::initializer(*m, testing::producer_of(*m, conv->input(0))->input(2))),
            std::vector<int8_t>{-5});
  // Then one multiply by scale_d * scale_w[c], per output channel (NCHW).
  const onnx::NodeProto* deq = testing::node_named(*m, "conv/Conv2D/dequantize");
  ASSERT_NE(deq, nullptr);
  EXPECT_EQ(deq->input(0), conv->output(0));
  EXPECT_EQ(deq->output(0), "conv/BiasAdd");
  const onnx::TensorProto* scale = testing::initializer(*m, deq->input(1));
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(testing::dims(*scale), (std::vector<int64_t>{3, 1, 1}));
  EXPECT_EQ(testing::values<float>(*scale), (std::vector<float>{0.02f * 0.01f, 0.02f * 0.02f, 0.02f * 0.03f}));
}

TEST(OnnxWriter, QuantizedMatMulReadByAFloatOpSumsIntegersInGemm) {
  // x -> act QDQ -> MatMul(int8 weights [3, 2], per-column scale) + int32 bias -> Softmax:
  // the Softmax blocks ORT's QGemm fusion, so the Gemm adds integers and one Mul dequantizes.
  TinyGraph t;
  t.placeholder("x", {4, 3});
  t.act_qdq("fc/act", "x", 0.1f, 0);
  t.weight_dequant("fc", Tensor::from_vector<int8_t>({3, 2}, {1, 2, 3, 4, 5, 6}),
                   Tensor::from_vector<float>({2}, {0.5f, 0.25f}));
  t.add("fc/MatMul", "MatMul", {"fc/act/dequant", "fc/weights"});
  t.int32_bias("fc/bias", {10, -20}, {0.05f, 0.025f});
  t.add("fc/BiasAdd", "BiasAdd", {"fc/MatMul", "fc/bias/dequant"});
  t.add("prob", "Softmax", {"fc/BiasAdd"});
  auto m = build_onnx_model(t.g, {13, {"prob"}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m),
            (std::vector<std::string>{"Mul", "QuantizeLinear", "DequantizeLinear", "DequantizeLinear",
                                      "DequantizeLinear", "Gemm", "Mul", "Softmax"}));
  const onnx::NodeProto* deq = testing::node_named(*m, "fc/MatMul/dequantize");
  ASSERT_NE(deq, nullptr);
  const onnx::TensorProto* scale = testing::initializer(*m, deq->input(1));
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(testing::dims(*scale), std::vector<int64_t>{2});  // per output column
  EXPECT_EQ(testing::values<float>(*scale), (std::vector<float>{0.1f * 0.5f, 0.1f * 0.25f}));
  const onnx::NodeProto* gemm = testing::node_named(*m, "fc/MatMul");
  ASSERT_NE(gemm, nullptr);
  EXPECT_EQ(gemm->output(0), deq->input(0));
  const onnx::NodeProto* wdq = testing::producer_of(*m, gemm->input(1));
  ASSERT_NE(wdq, nullptr);
  EXPECT_EQ(testing::attr(*wdq, "axis"), nullptr);
  EXPECT_EQ(testing::values<float>(*testing::initializer(*m, wdq->input(1))), std::vector<float>{1.0f});
}

TEST(OnnxWriter, DepthwiseWeightScaleIsFlattenedPerChannel) {
  TinyGraph t;
  t.placeholder("x", {1, 4, 4, 2});
  std::vector<int8_t> w(3 * 3 * 2 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(i);
  t.weight_dequant("dw", Tensor::from_vector<int8_t>({3, 3, 2, 3}, w),
                   Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6}));
  t.window("dw/depthwise", "DepthwiseConv2dNative", {"x", "dw/weights"}, 2, "SAME");
  ExportOptions opts;
  opts.outputs = {"dw/depthwise"};
  auto m = build_onnx_model(t.g, opts);
  ASSERT_TRUE(m.ok()) << m.status().message();
  const onnx::NodeProto* conv = testing::node_named(*m, "dw/depthwise");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(testing::attr(*conv, "group")->i(), 2);
  EXPECT_EQ(testing::ints(*conv, "pads"), (std::vector<int64_t>{0, 0, 1, 1}));  // 4, s2, k3: total 1, extra after
  const onnx::NodeProto* wdq = testing::producer_of(*m, conv->input(1));
  ASSERT_NE(wdq, nullptr);
  const onnx::TensorProto* wq = testing::initializer(*m, wdq->input(0));
  ASSERT_NE(wq, nullptr);
  EXPECT_EQ(testing::dims(*wq), (std::vector<int64_t>{6, 1, 3, 3}));
  // Output channel c*mult + m holds filter [:, :, c, m].
  const auto q = testing::values<int8_t>(*wq);
  EXPECT_EQ(q[static_cast<size_t>((1 * 3 + 2) * 9 + 4)], w[static_cast<size_t>(((1 * 3 + 1) * 2 + 1) * 3 + 2)]);
  EXPECT_EQ(testing::values<float>(*testing::initializer(*m, wdq->input(1))),
            (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(OnnxWriter, ChainWithOtherBoundsStaysFloatOps) {
  // Clip bounds that are no int8 grid (int4 -8..7): exported op by op, still exact.
  TinyGraph t;
  t.placeholder("x", {1, 4});
  t.fconst("inv", {}, {10.0f});
  t.fconst("lo", {}, {-8.0f});
  t.fconst("hi", {}, {7.0f});
  t.fconst("s", {}, {0.1f});
  t.add("m1", "Mul", {"x", "inv"});
  t.add("r", "Round", {"m1"});
  t.add("c", "ClipByValue", {"r", "lo", "hi"});
  t.add("m2", "Mul", {"c", "s"});
  auto m = build_onnx_model(t.g, {13, {"m2"}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m), (std::vector<std::string>{"Mul", "Round", "Clip", "Mul"}));

  // [0, 255] is the int8 grid with zero point -128: that one is QDQ.
  t.g.find("lo")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(0.0f));
  t.g.find("hi")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(255.0f));
  auto q = build_onnx_model(t.g, {13, {"m2"}, /*exact_rounding=*/false});
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(testing::op_types(*q), (std::vector<std::string>{"QuantizeLinear", "DequantizeLinear"}));
  EXPECT_EQ(testing::values<int8_t>(*testing::initializer(*q, testing::first_op(*q, "QuantizeLinear")->input(2))),
            std::vector<int8_t>{-128});
}

TEST(OnnxWriter, BadQuantScaleIsAnError) {
  TinyGraph t = quantized_conv_graph();
  t.g.find("conv/act/scale")->attrs["value"] = graph::AttrValue::of_tensor(Tensor::scalar<float>(NAN));
  auto m = build_onnx_model(t.g, {13, {"conv/Relu6"}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("conv/act/dequant"), std::string::npos) << m.status().message();
  EXPECT_NE(m.status().message().find("scale"), std::string::npos);

  TinyGraph t2 = quantized_conv_graph();
  t2.g.find("conv/weights_scale")->attrs["value"] =
      graph::AttrValue::of_tensor(Tensor::from_vector<float>({3}, {0.01f, -1.0f, 0.03f}));
  auto m2 = build_onnx_model(t2.g, {13, {"conv/Relu6"}});
  ASSERT_FALSE(m2.ok());
  EXPECT_NE(m2.status().message().find("weight scale"), std::string::npos) << m2.status().message();
}

TEST(OnnxWriter, WeightScaleOfWrongLengthIsAnError) {
  TinyGraph t = quantized_conv_graph();
  t.g.find("conv/weights_scale")->attrs["value"] =
      graph::AttrValue::of_tensor(Tensor::from_vector<float>({2}, {0.01f, 0.02f}));
  auto m = build_onnx_model(t.g, {13, {"conv/Relu6"}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("node 'conv/Conv2D' (Conv2D)"), std::string::npos) << m.status().message();
}

TEST(OnnxWriter, DefaultOutputsAreUnreadNodes) {
  TinyGraph t;
  t.placeholder("x", {2, 3});
  t.add("a", "Relu", {"x"});
  t.add("b", "Softmax", {"a"});
  t.fconst("unused", {1}, {1.0f});
  auto m = build_onnx_model(t.g, {});
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->graph().output_size(), 1);
  EXPECT_EQ(m->graph().output(0).name(), "b");
  EXPECT_EQ(m->opset_import(0).version(), 13);
  EXPECT_EQ(m->ir_version(), 7);
}

TEST(OnnxWriter, OnlyWhatOutputsNeedIsExported) {
  TinyGraph t;
  t.placeholder("x", {2, 3});
  t.add("a", "Relu", {"x"});
  t.add("b", "Sigmoid", {"x"});
  auto m = build_onnx_model(t.g, {13, {"a:0"}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m), std::vector<std::string>{"Relu"});
  EXPECT_EQ(m->graph().output(0).name(), "a");
}

TEST(OnnxWriter, IdentityOutputGetsItsName) {
  TinyGraph t;
  t.placeholder("x", {2, 3});
  t.add("a", "Relu", {"x"});
  t.add("out", "Identity", {"a"});
  auto m = build_onnx_model(t.g, {13, {"out", "a"}});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(testing::op_types(*m), (std::vector<std::string>{"Relu", "Identity"}));
  EXPECT_EQ(m->graph().output(0).name(), "out");
  EXPECT_EQ(m->graph().output(1).name(), "a");
}

TEST(OnnxWriter, Errors) {
  TinyGraph t;
  t.placeholder("x", {1, 4, 4, 2});
  graph::Node& lrn = t.add("norm", "LRN", {"x"});
  lrn.attrs["depth_radius"] = graph::AttrValue::of_int(2);
  t.add("y", "Relu", {"norm"});

  auto unsupported = build_onnx_model(t.g, {13, {"y"}});
  ASSERT_FALSE(unsupported.ok());
  EXPECT_NE(unsupported.status().message().find("node 'norm' (LRN)"), std::string::npos);
  EXPECT_NE(unsupported.status().message().find("not supported"), std::string::npos);

  auto missing = build_onnx_model(t.g, {13, {"nope"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'nope'"), std::string::npos);

  auto opset = build_onnx_model(t.g, {9, {"x"}});
  ASSERT_FALSE(opset.ok());
  EXPECT_NE(opset.status().message().find("opset 9"), std::string::npos);

  auto control = build_onnx_model(t.g, {13, {"^y"}});
  EXPECT_FALSE(control.ok());
}

TEST(OnnxWriter, CycleIsAnError) {
  TinyGraph t;
  t.placeholder("x", {2});
  t.add("a", "AddV2", {"x", "b"});
  t.add("b", "Relu", {"a"});
  auto m = build_onnx_model(t.g, {13, {"b"}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("cycle"), std::string::npos) << m.status().message();
}

TEST(OnnxWriter, OutputThatIsAConstantIsAnError) {
  TinyGraph t;
  t.fconst("c", {1}, {1.0f});
  auto m = build_onnx_model(t.g, {13, {"c"}});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("constant"), std::string::npos);
}

// Attribute and constant values a corrupt file could carry: each export either
// succeeds or returns an error naming the node, never crashes (run under ASan too).
TEST(OnnxWriter, HostileValuesGiveErrorsNotCrashes) {
  using graph::AttrValue;
  const int64_t huge = int64_t{1} << 40;
  std::vector<std::function<void(graph::Graph&)>> mutations = {
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs["strides"] = AttrValue::of_ints({}); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs["strides"] = AttrValue::of_ints({1, 0, 0, 1}); },
      [&](graph::Graph& g) { g.find("conv/Conv2D")->attrs["strides"] = AttrValue::of_ints({1, huge, huge, 1}); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs["dilations"] = AttrValue::of_ints({1, -3, 1, 1}); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs["padding"] = AttrValue::of_int(3); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs.erase("padding"); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->attrs["padding"] = AttrValue::of_string("EXPLICIT"); },
      [](graph::Graph& g) {
        g.find("conv/Conv2D")->attrs["padding"] = AttrValue::of_string("EXPLICIT");
        g.find("conv/Conv2D")->attrs["explicit_paddings"] = AttrValue::of_ints({0, 0, -5, 1, 1, 1, 0, 0});
      },
      [&](graph::Graph& g) { g.find("input")->attrs["shape"] = AttrValue::of_shape({false, {-1, huge, huge, 2}}); },
      [](graph::Graph& g) { g.find("input")->attrs["shape"] = AttrValue::of_shape({false, {-1, -7, 8, 2}}); },
      [](graph::Graph& g) { g.find("input")->attrs["shape"] = AttrValue::of_shape({true, {}}); },
      [](graph::Graph& g) { g.find("input")->attrs["shape"] = AttrValue::of_shape({false, {8, 2}}); },
      [](graph::Graph& g) { g.find("input")->attrs["dtype"] = AttrValue::of_type(graph::DataType::kString); },
      [](graph::Graph& g) {
        g.find("conv/weights_int8")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kInt8, {18}));
      },
      [](graph::Graph& g) {
        g.find("conv/weights_scale")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kFloat, {0}));
      },
      [](graph::Graph& g) {
        g.find("conv/weights_scale")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kFloat, {3, 1, 1}));
      },
      [](graph::Graph& g) { g.find("conv/act/scale")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kFloat, {0})); },
      [](graph::Graph& g) { g.find("conv/act/lo")->attrs["value"] = AttrValue::of_tensor(Tensor::scalar<float>(1e30f)); },
      [](graph::Graph& g) { g.find("conv/biases")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kFloat, {7})); },
      [](graph::Graph& g) { g.find("conv/biases")->attrs.erase("value"); },
      [](graph::Graph& g) { g.find("conv/Conv2D")->inputs = {"conv/act/dequant"}; },
      [](graph::Graph& g) { g.find("conv/Conv2D")->inputs = {"conv/act/dequant:3", "conv/weights"}; },
      [](graph::Graph& g) { g.find("conv/Relu6")->inputs = {}; },
      [](graph::Graph& g) { g.find("conv/BiasAdd")->inputs = {"conv/Conv2D", "conv/biases", "conv/biases"}; },
  };
  for (size_t i = 0; i < mutations.size(); ++i) {
    TinyGraph t = quantized_conv_graph();
    mutations[i](t.g);
    auto m = build_onnx_model(t.g, {13, {"conv/Relu6"}});
    if (!m.ok()) {
      EXPECT_NE(m.status().message().find("'"), std::string::npos) << i << ": " << m.status().message();
    }
  }
}

TEST(OnnxWriter, WritesAtomicallyAndKeepsOldFileOnFailure) {
  const std::string dir = amct::testing::make_temp_dir("onnx_writer");
  const std::string path = dir + "/m.onnx";
  TinyGraph good;
  good.placeholder("x", {2, 3});
  good.add("y", "Relu", {"x"});
  ASSERT_TRUE(export_onnx(good.g, path, {13, {"y"}}).is_ok());
  auto bytes = read_file(path);
  ASSERT_TRUE(bytes.ok());
  onnx::ModelProto back;
  ASSERT_TRUE(back.ParseFromString(*bytes));
  EXPECT_EQ(back.graph().node(0).op_type(), "Relu");

  TinyGraph bad;
  bad.placeholder("x", {2, 3});
  bad.add("y", "Erf", {"x"});
  const Status st = export_onnx(bad.g, path, {13, {"y"}});
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.message().rfind(path + ": ", 0), 0u) << st.message();
  EXPECT_EQ(*read_file(path), *bytes);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary left behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amct::onnx_export
