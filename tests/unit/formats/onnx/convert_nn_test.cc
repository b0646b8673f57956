// Conv2D / DepthwiseConv2dNative / pools / MatMul through build_onnx_model.
#include <gtest/gtest.h>

#include "formats/onnx/onnx_writer.h"
#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

using graph::AttrValue;
using graph::Tensor;
using testing::TinyGraph;

TinyGraph conv_graph(graph::Shape input, int64_t stride, const std::string& padding) {
  TinyGraph t;
  t.placeholder("input", std::move(input));
  std::vector<float> w(3 * 3 * 2 * 4);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
  t.fconst("conv/weights", {3, 3, 2, 4}, w);
  t.window("conv/Conv2D", "Conv2D", {"input", "conv/weights"}, stride, padding);
  t.fconst("conv/biases", {4}, {1, 2, 3, 4});
  t.add("conv/BiasAdd", "BiasAdd", {"conv/Conv2D", "conv/biases"});
  return t;
}

onnx::ModelProto build_ok(const TinyGraph& t, std::vector<std::string> outputs) {
  auto m = build_onnx_model(t.g, {13, std::move(outputs)});
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? *m : onnx::ModelProto();
}

std::string build_error(const TinyGraph& t, std::vector<std::string> outputs) {
  auto m = build_onnx_model(t.g, {13, std::move(outputs)});
  EXPECT_FALSE(m.ok());
  return m.ok() ? "" : m.status().message();
}

std::vector<int64_t> output_dims(const onnx::ModelProto& m, int i) {
  std::vector<int64_t> d;
  for (const auto& dim : m.graph().output(i).type().tensor_type().shape().dim())
    d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return d;
}

TEST(OnnxConvertNn, ConvWithBiasIsOneConvWithExplicitSamePads) {
  const TinyGraph t = conv_graph({-1, 9, 10, 2}, 2, "SAME");
  const auto m = build_ok(t, {"conv/BiasAdd"});
  EXPECT_EQ(testing::op_types(m), (std::vector<std::string>{"Transpose", "Conv", "Transpose"}));
  const onnx::NodeProto* conv = testing::node_named(m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->input(1), "conv/weights");
  EXPECT_EQ(conv->input(2), "conv/biases");
  EXPECT_EQ(testing::ints(*conv, "kernel_shape"), (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(testing::ints(*conv, "strides"), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(testing::ints(*conv, "dilations"), (std::vector<int64_t>{1, 1}));
  // H 9: out 5, total 2 -> 1/1; W 10: out 5, total 1 -> 0/1. ONNX order: begins then ends.
  EXPECT_EQ(testing::ints(*conv, "pads"), (std::vector<int64_t>{1, 0, 1, 1}));
  EXPECT_EQ(testing::attr(*conv, "group")->i(), 1);
  const onnx::TensorProto* w = testing::initializer(m, "conv/weights");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(testing::dims(*w), (std::vector<int64_t>{4, 2, 3, 3}));
  EXPECT_EQ(testing::values<float>(*w)[1], 8.0f);  // OIHW [0,0,0,1] = HWIO [0,1,0,0] at (1*2+0)*4+0
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{-1, 5, 5, 4}));
  EXPECT_EQ(m.graph().output(0).type().tensor_type().shape().dim(0).dim_param(), "N");
}

TEST(OnnxConvertNn, UnknownSpatialSizeUsesSameUpper) {
  const auto m = build_ok(conv_graph({-1, -1, -1, 2}, 2, "SAME"), {"conv/BiasAdd"});
  const onnx::NodeProto* conv = testing::node_named(m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  ASSERT_NE(testing::attr(*conv, "auto_pad"), nullptr);
  EXPECT_EQ(testing::attr(*conv, "auto_pad")->s(), "SAME_UPPER");
  EXPECT_EQ(testing::attr(*conv, "pads"), nullptr);
}

TEST(OnnxConvertNn, ValidAndExplicitPadding) {
  const auto valid = build_ok(conv_graph({1, 9, 9, 2}, 1, "VALID"), {"conv/BiasAdd"});
  EXPECT_EQ(testing::ints(*testing::node_named(valid, "conv/Conv2D"), "pads"), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(output_dims(valid, 0), (std::vector<int64_t>{1, 7, 7, 4}));

  TinyGraph t = conv_graph({1, 9, 9, 2}, 1, "EXPLICIT");
  t.g.find("conv/Conv2D")->attrs["explicit_paddings"] = AttrValue::of_ints({0, 0, 2, 0, 1, 3, 0, 0});
  const auto ex = build_ok(t, {"conv/BiasAdd"});
  EXPECT_EQ(testing::ints(*testing::node_named(ex, "conv/Conv2D"), "pads"), (std::vector<int64_t>{2, 1, 0, 3}));
  EXPECT_EQ(output_dims(ex, 0), (std::vector<int64_t>{1, 9, 11, 4}));
}

TEST(OnnxConvertNn, ConvReadTwiceIsNotFused) {
  TinyGraph t = conv_graph({1, 4, 4, 2}, 1, "SAME");
  t.add("relu", "Relu", {"conv/Conv2D"});
  t.add("sum", "AddV2", {"relu", "conv/BiasAdd"});
  const auto m = build_ok(t, {"sum"});
  const onnx::NodeProto* conv = testing::node_named(m, "conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->input_size(), 2);
  EXPECT_EQ(testing::count_op(m, "Add"), 2);
}

TEST(OnnxConvertNn, DepthwiseIsGroupedConv) {
  TinyGraph t;
  t.placeholder("x", {1, 5, 5, 3});
  t.fconst("w", {3, 3, 3, 2}, std::vector<float>(54, 0.5f));
  graph::Node& dw = t.window("dw", "DepthwiseConv2dNative", {"x", "w"}, 1, "SAME");
  dw.attrs["dilations"] = AttrValue::of_ints({1, 2, 2, 1});
  const auto m = build_ok(t, {"dw"});
  const onnx::NodeProto* conv = testing::node_named(m, "dw");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(testing::attr(*conv, "group")->i(), 3);
  EXPECT_EQ(testing::ints(*conv, "dilations"), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(testing::ints(*conv, "pads"), (std::vector<int64_t>{2, 2, 2, 2}));
  EXPECT_EQ(testing::dims(*testing::initializer(m, "w")), (std::vector<int64_t>{6, 1, 3, 3}));
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{1, 5, 5, 6}));
}

TEST(OnnxConvertNn, ConvErrorsNameTheNode) {
  TinyGraph nchw = conv_graph({1, 4, 4, 2}, 1, "SAME");
  nchw.g.find("conv/Conv2D")->attrs["data_format"] = AttrValue::of_string("NCHW");
  EXPECT_NE(build_error(nchw, {"conv/BiasAdd"}).find("node 'conv/Conv2D' (Conv2D): data_format"), std::string::npos);

  TinyGraph strides = conv_graph({1, 4, 4, 2}, 1, "SAME");
  strides.g.find("conv/Conv2D")->attrs["strides"] = AttrValue::of_ints({2, 1, 1, 1});
  EXPECT_NE(build_error(strides, {"conv/BiasAdd"}).find("strides"), std::string::npos);

  TinyGraph channels = conv_graph({1, 4, 4, 5}, 1, "SAME");
  EXPECT_NE(build_error(channels, {"conv/BiasAdd"}).find("5 channels"), std::string::npos);

  TinyGraph runtime_filter;
  runtime_filter.placeholder("x", {1, 4, 4, 2});
  runtime_filter.placeholder("f", {3, 3, 2, 2});
  runtime_filter.window("c", "Conv2D", {"x", "f"}, 1, "SAME");
  EXPECT_NE(build_error(runtime_filter, {"c"}).find("node 'c' (Conv2D): filter (input 1) must be a constant"),
            std::string::npos);

  TinyGraph rank3;
  rank3.placeholder("x", {4, 4, 2});
  rank3.fconst("w", {1, 1, 2, 2}, {1, 2, 3, 4});
  rank3.window("c", "Conv2D", {"x", "w"}, 1, "SAME");
  EXPECT_NE(build_error(rank3, {"c"}).find("expected 4-D NHWC"), std::string::npos);

  TinyGraph empty = conv_graph({1, -1, -1, 2}, 1, "SAME");
  empty.g.find("conv/weights")->attrs["value"] = AttrValue::of_tensor(Tensor(graph::DataType::kFloat, {0, 3, 2, 4}));
  EXPECT_NE(build_error(empty, {"conv/BiasAdd"}).find("every dim must be >= 1"), std::string::npos);

  TinyGraph padding = conv_graph({1, 4, 4, 2}, 1, "FULL");
  EXPECT_NE(build_error(padding, {"conv/BiasAdd"}).find("padding 'FULL'"), std::string::npos);
}

TEST(OnnxConvertNn, Pools) {
  TinyGraph t;
  t.placeholder("x", {1, 7, 7, 8});
  graph::Node& avg = t.window("avg", "AvgPool", {"x"}, 2, "SAME");
  avg.attrs["ksize"] = AttrValue::of_ints({1, 3, 3, 1});
  graph::Node& mx = t.window("max", "MaxPool", {"avg"}, 1, "VALID");
  mx.attrs["ksize"] = AttrValue::of_ints({1, 4, 4, 1});
  const auto m = build_ok(t, {"max"});
  const onnx::NodeProto* a = testing::node_named(m, "avg");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->op_type(), "AveragePool");
  EXPECT_EQ(testing::attr(*a, "count_include_pad")->i(), 0);  // TF excludes padding from the mean
  EXPECT_EQ(testing::ints(*a, "pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  const onnx::NodeProto* x = testing::node_named(m, "max");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->op_type(), "MaxPool");
  EXPECT_EQ(x->input(0), a->output(0));  // no Transpose between them
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{1, 1, 1, 8}));

  TinyGraph noksize;
  noksize.placeholder("x", {1, 7, 7, 8});
  noksize.window("avg", "AvgPool", {"x"}, 2, "SAME");
  EXPECT_NE(build_error(noksize, {"avg"}).find("'ksize'"), std::string::npos);
}

TEST(OnnxConvertNn, MatMulBiasAddIsGemm) {
  TinyGraph t;
  t.placeholder("x", {-1, 3});
  t.fconst("w", {2, 3}, {1, 2, 3, 4, 5, 6});
  graph::Node& mm = t.add("mm", "MatMul", {"x", "w"});
  mm.attrs["transpose_b"] = AttrValue::of_bool(true);
  t.fconst("b", {2}, {1, -1});
  t.add("fc", "BiasAdd", {"mm", "b"});
  const auto m = build_ok(t, {"fc"});
  EXPECT_EQ(testing::op_types(m), std::vector<std::string>{"Gemm"});
  const onnx::NodeProto* g = testing::node_named(m, "mm");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->input(1), "w");
  EXPECT_EQ(g->input(2), "b");
  EXPECT_EQ(g->output(0), "fc");
  EXPECT_EQ(testing::attr(*g, "transB")->i(), 1);
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{-1, 2}));
}

TEST(OnnxConvertNn, MatMulWithQuantizedWeightsAndRuntimeOperand) {
  TinyGraph t;
  t.placeholder("x", {4, 3});
  t.weight_dequant("fc", Tensor::from_vector<int8_t>({3, 2}, {1, 2, 3, 4, 5, 6}),
                   Tensor::from_vector<float>({2}, {0.5f, 0.25f}));
  t.add("mm", "MatMul", {"x", "fc/weights"});
  t.placeholder("y", {2, 5});
  t.add("mm2", "MatMul", {"mm", "y"});
  const auto m = build_ok(t, {"mm2"});
  EXPECT_EQ(testing::op_types(m), (std::vector<std::string>{"DequantizeLinear", "Gemm", "Gemm"}));
  EXPECT_EQ(testing::attr(*testing::first_op(m, "DequantizeLinear"), "axis")->i(), 1);  // per output column
  EXPECT_EQ(testing::node_named(m, "mm2")->input(1), "y");
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{4, 5}));

  TinyGraph bad;
  bad.placeholder("x", {4, 3});
  bad.fconst("w", {2, 2}, {1, 2, 3, 4});
  bad.add("mm", "MatMul", {"x", "w"});
  EXPECT_NE(build_error(bad, {"mm"}).find("inner dimensions"), std::string::npos);
}

}  // namespace
}  // namespace amct::onnx_export
