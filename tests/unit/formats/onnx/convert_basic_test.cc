// Inputs, constants and layout-neutral ops through build_onnx_model: the NCHW
// region between convs has no Transposes, and each op's TF semantics hold.
#include <gtest/gtest.h>

#include "formats/onnx/onnx_writer.h"
#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

using graph::AttrValue;
using graph::Tensor;
using testing::TinyGraph;

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

// input [N,4,4,C] -> 1x1 conv "a" (C->C) -> Relu6 -> AddV2(input-side conv) ...
void conv1x1(TinyGraph& t, const std::string& name, const std::string& x, int64_t c) {
  t.fconst(name + "/w", {1, 1, c, c}, std::vector<float>(static_cast<size_t>(c * c), 0.1f));
  t.window(name, "Conv2D", {x, name + "/w"}, 1, "SAME");
}

TEST(OnnxConvertBasic, ElementwiseChainStaysNchw) {
  TinyGraph t;
  t.placeholder("input", {-1, 4, 4, 3});
  conv1x1(t, "a", "input", 3);
  t.add("a/Relu6", "Relu6", {"a"});
  t.add("add", "AddV2", {"a/Relu6", "a"});
  t.fconst("c", {3}, {1, 2, 3});
  t.add("shift", "Sub", {"add", "c"});
  t.add("relu", "Relu", {"shift"});
  conv1x1(t, "b", "relu", 3);
  const auto m = build_ok(t, {"b"});
  EXPECT_EQ(testing::op_types(m), (std::vector<std::string>{"Transpose", "Conv", "Clip", "Add", "Sub", "Relu",
                                                            "Conv", "Transpose"}));
  const onnx::NodeProto* clip = testing::node_named(m, "a/Relu6");
  ASSERT_NE(clip, nullptr);
  ASSERT_EQ(clip->input_size(), 3);
  EXPECT_EQ(testing::values<float>(*testing::initializer(m, clip->input(1))), std::vector<float>{0.0f});
  EXPECT_EQ(testing::values<float>(*testing::initializer(m, clip->input(2))), std::vector<float>{6.0f});
  // The per-channel constant is rewritten for NCHW broadcasting.
  const onnx::NodeProto* sub = testing::node_named(m, "shift");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(testing::dims(*testing::initializer(m, sub->input(1))), (std::vector<int64_t>{1, 3, 1, 1}));
}

TEST(OnnxConvertBasic, UnfusedBiasAddBroadcastsOverChannels) {
  TinyGraph t;
  t.placeholder("x", {1, 4, 4, 2});
  conv1x1(t, "a", "x", 2);
  t.add("r", "Relu", {"a"});
  t.fconst("bias", {2}, {1, 2});
  t.add("ba", "BiasAdd", {"r", "bias"});
  const auto m = build_ok(t, {"ba"});
  const onnx::NodeProto* add = testing::node_named(m, "ba");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op_type(), "Add");
  EXPECT_EQ(testing::dims(*testing::initializer(m, add->input(1))), (std::vector<int64_t>{1, 2, 1, 1}));

  TinyGraph bad;
  bad.placeholder("x", {1, 4});
  bad.fconst("bias", {3}, {1, 2, 3});
  bad.add("ba", "BiasAdd", {"x", "bias"});
  EXPECT_NE(build_error(bad, {"ba"}).find("node 'ba' (BiasAdd)"), std::string::npos);
}

TEST(OnnxConvertBasic, PlainTensorsStayPlain) {
  TinyGraph t;
  t.placeholder("x", {2, 5});
  t.fconst("k", {5}, {1, 2, 3, 4, 5});
  t.add("m", "Mul", {"x", "k"});
  t.add("d", "RealDiv", {"m", "k"});
  t.add("mx", "Maximum", {"d", "x"});
  const auto m = build_ok(t, {"mx"});
  EXPECT_EQ(testing::op_types(m), (std::vector<std::string>{"Mul", "Div", "Max"}));
  EXPECT_EQ(testing::node_named(m, "m")->input(1), "k");
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{2, 5}));

  TinyGraph bad;
  bad.placeholder("x", {2, 5});
  bad.fconst("k", {3}, {1, 2, 3});
  bad.add("m", "Mul", {"x", "k"});
  EXPECT_NE(build_error(bad, {"m"}).find("do not broadcast"), std::string::npos);
}

TEST(OnnxConvertBasic, MeanForms) {
  TinyGraph t;
  t.placeholder("x", {-1, 7, 7, 4});
  conv1x1(t, "c", "x", 4);
  t.constant("hw", Tensor::from_vector<int32_t>({2}, {1, 2}));
  graph::Node& keep = t.add("gap", "Mean", {"c", "hw"});
  keep.attrs["keep_dims"] = AttrValue::of_bool(true);
  t.add("flat", "Mean", {"c", "hw"});
  t.constant("ch", Tensor::from_vector<int32_t>({1}, {-1}));
  t.add("chmean", "Mean", {"c", "ch"});
  t.constant("none", Tensor(graph::DataType::kInt32, {0}));
  t.add("same", "Mean", {"c", "none"});
  const auto m = build_ok(t, {"gap", "flat", "chmean", "same"});
  EXPECT_EQ(testing::node_named(m, "gap")->op_type(), "GlobalAveragePool");
  const onnx::NodeProto* flat = testing::node_named(m, "flat");
  EXPECT_EQ(flat->op_type(), "ReduceMean");
  EXPECT_EQ(testing::ints(*flat, "axes"), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(testing::attr(*flat, "keepdims")->i(), 0);
  const onnx::NodeProto* ch = testing::node_named(m, "chmean");
  EXPECT_EQ(testing::ints(*ch, "axes"), (std::vector<int64_t>{1}));  // C of NCHW; N,H,W keep their order
  EXPECT_EQ(testing::node_named(m, "same")->op_type(), "Identity");  // TF reduces nothing
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{-1, 1, 1, 4}));
  EXPECT_EQ(output_dims(m, 1), (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(output_dims(m, 2), (std::vector<int64_t>{-1, 7, 7}));
  EXPECT_EQ(output_dims(m, 3), (std::vector<int64_t>{-1, 7, 7, 4}));
}

TEST(OnnxConvertBasic, SqueezeAfterGlobalPoolReadsNchwDirectly) {
  TinyGraph t;
  t.placeholder("x", {-1, 7, 7, 4});
  graph::Node& pool = t.window("pool", "AvgPool", {"x"}, 1, "VALID");
  pool.attrs["ksize"] = AttrValue::of_ints({1, 7, 7, 1});
  graph::Node& sq = t.add("logits", "Squeeze", {"pool"});
  sq.attrs["squeeze_dims"] = AttrValue::of_ints({1, 2});
  t.constant("shape", Tensor::from_vector<int32_t>({2}, {-1, 4}));
  t.add("r", "Reshape", {"logits", "shape"});
  t.add("probs", "Softmax", {"r"});
  const auto m = build_ok(t, {"probs", "logits"});
  EXPECT_EQ(testing::op_types(m), (std::vector<std::string>{"Transpose", "AveragePool", "Reshape", "Reshape", "Softmax"}));
  const onnx::NodeProto* s = testing::node_named(m, "logits");
  EXPECT_EQ(s->input(0), testing::node_named(m, "pool")->output(0));
  EXPECT_EQ(testing::values<int64_t>(*testing::initializer(m, s->input(1))), (std::vector<int64_t>{-1, 4}));
  const onnx::NodeProto* r = testing::node_named(m, "r");
  EXPECT_EQ(r->input(1), "shape");  // the TF shape Const, now int64
  EXPECT_EQ(testing::initializer(m, "shape")->data_type(), onnx::TensorProto::INT64);
  EXPECT_EQ(testing::attr(*testing::node_named(m, "probs"), "axis")->i(), -1);
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(m.graph().output(1).name(), "logits");
}

TEST(OnnxConvertBasic, ReshapeOfSpatialTensorGoesBackToNhwc) {
  TinyGraph t;
  t.placeholder("x", {2, 3, 3, 4});
  conv1x1(t, "c", "x", 4);
  t.constant("shape", Tensor::from_vector<int64_t>({2}, {2, -1}));
  t.add("flat", "Reshape", {"c", "shape"});
  const auto m = build_ok(t, {"flat"});
  const onnx::NodeProto* r = testing::node_named(m, "flat");
  const onnx::NodeProto* in = testing::producer_of(m, r->input(0));
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->op_type(), "Transpose");  // TF flattens in NHWC order
  EXPECT_EQ(output_dims(m, 0), (std::vector<int64_t>{2, 36}));

  TinyGraph bad;
  bad.placeholder("x", {2, 6});
  bad.constant("shape", Tensor::from_vector<int32_t>({2}, {5, -1}));
  bad.add("r", "Reshape", {"x", "shape"});
  EXPECT_NE(build_error(bad, {"r"}).find("cannot reshape"), std::string::npos);
  bad.g.find("shape")->attrs["value"] = AttrValue::of_tensor(Tensor::from_vector<int32_t>({2}, {0, 12}));
  EXPECT_NE(build_error(bad, {"r"}).find("not supported"), std::string::npos);
}

TEST(OnnxConvertBasic, SqueezeForms) {
  TinyGraph t;
  t.placeholder("x", {-1, 1, -1, 1});
  graph::Node& all = t.add("sq", "Squeeze", {"x"});
  all.attrs["squeeze_dims"] = AttrValue::of_ints({-1, 1});
  const auto m = build_ok(t, {"sq"});
  const onnx::NodeProto* s = testing::node_named(m, "sq");
  EXPECT_EQ(s->op_type(), "Squeeze");  // two unknown dims: no static target
  EXPECT_EQ(testing::values<int64_t>(*testing::initializer(m, s->input(1))), (std::vector<int64_t>{1, 3}));

  TinyGraph bad;
  bad.placeholder("x", {2, 3});
  graph::Node& b = bad.add("sq", "Squeeze", {"x"});
  b.attrs["squeeze_dims"] = AttrValue::of_ints({0});
  EXPECT_NE(build_error(bad, {"sq"}).find("cannot squeeze dim 0 of size 2"), std::string::npos);
  b.attrs["squeeze_dims"] = AttrValue::of_ints({5});
  EXPECT_NE(build_error(bad, {"sq"}).find("out of range"), std::string::npos);
}

TEST(OnnxConvertBasic, SoftmaxOnNchwUsesChannelAxis) {
  TinyGraph t;
  t.placeholder("x", {1, 2, 2, 3});
  conv1x1(t, "c", "x", 3);
  t.add("sm", "Softmax", {"c"});
  const auto m = build_ok(t, {"sm"});
  EXPECT_EQ(testing::attr(*testing::node_named(m, "sm"), "axis")->i(), 1);
  EXPECT_EQ(testing::producer_of(m, "sm")->op_type(), "Transpose");
}

TEST(OnnxConvertBasic, PlaceholderAndCast) {
  TinyGraph t;
  t.placeholder("img", {-1, 8, -1, 3}, graph::DataType::kUInt8);
  graph::Node& c = t.add("f", "Cast", {"img"});
  c.attrs["DstT"] = AttrValue::of_type(graph::DataType::kFloat);
  const auto m = build_ok(t, {"f"});
  const auto& in = m.graph().input(0);
  EXPECT_EQ(in.name(), "img");
  EXPECT_EQ(in.type().tensor_type().elem_type(), onnx::TensorProto::UINT8);
  EXPECT_EQ(in.type().tensor_type().shape().dim(0).dim_param(), "N");
  EXPECT_EQ(in.type().tensor_type().shape().dim(1).dim_value(), 8);
  EXPECT_FALSE(in.type().tensor_type().shape().dim(2).dim_param().empty());
  EXPECT_EQ(testing::attr(*testing::node_named(m, "f"), "to")->i(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(m.graph().output(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);

  TinyGraph noshape;
  noshape.add("x", "Placeholder").attrs["dtype"] = AttrValue::of_type(graph::DataType::kFloat);
  noshape.add("y", "Relu", {"x"});
  EXPECT_NE(build_error(noshape, {"y"}).find("node 'x' (Placeholder): needs a 'shape'"), std::string::npos);
}

TEST(OnnxConvertBasic, ClipByValue) {
  TinyGraph t;
  t.placeholder("x", {2, 3});
  t.fconst("lo", {}, {-1.0f});
  t.fconst("hi", {}, {1.0f});
  t.add("c", "ClipByValue", {"x", "lo", "hi"});
  const auto m = build_ok(t, {"c"});
  EXPECT_EQ(testing::op_types(m), std::vector<std::string>{"Clip"});

  TinyGraph bad;
  bad.placeholder("x", {2, 3});
  bad.fconst("lo", {3}, {-1, -1, -1});
  bad.fconst("hi", {}, {1.0f});
  bad.add("c", "ClipByValue", {"x", "lo", "hi"});
  EXPECT_NE(build_error(bad, {"c"}).find("per-element bounds"), std::string::npos);
}

}  // namespace
}  // namespace amct::onnx_export
