// Builds small TF-style graphs in code for the ONNX export tests, and reads
// the exported ModelProto back (nodes by name, initializers as vectors).
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace amct::onnx_export::testing {

class TinyGraph {
 public:
  graph::Graph g;

  graph::Node& add(const std::string& name, const std::string& op, std::vector<std::string> inputs = {}) {
    graph::Node n;
    n.name = name;
    n.op = op;
    n.inputs = std::move(inputs);
    const Status st = g.add_node(std::move(n));
    EXPECT_TRUE(st.is_ok()) << st.message();
    return *g.find(name);
  }
  void placeholder(const std::string& name, graph::Shape shape, graph::DataType dt = graph::DataType::kFloat) {
    graph::Node& n = add(name, "Placeholder");
    n.attrs["dtype"] = graph::AttrValue::of_type(dt);
    n.attrs["shape"] = graph::AttrValue::of_shape({false, std::move(shape)});
  }
  void constant(const std::string& name, graph::Tensor t) {
    graph::Node& n = add(name, "Const");
    n.attrs["dtype"] = graph::AttrValue::of_type(t.dtype());
    n.attrs["value"] = graph::AttrValue::of_tensor(std::move(t));
  }
  void fconst(const std::string& name, graph::Shape shape, std::vector<float> v) {
    constant(name, graph::Tensor::from_vector<float>(shape, v));
  }
  // Conv2D / DepthwiseConv2dNative / AvgPool / MaxPool attributes.
  graph::Node& window(const std::string& name, const std::string& op, std::vector<std::string> in, int64_t stride,
                      const std::string& padding) {
    graph::Node& n = add(name, op, std::move(in));
    n.attrs["T"] = graph::AttrValue::of_type(graph::DataType::kFloat);
    n.attrs["strides"] = graph::AttrValue::of_ints({1, stride, stride, 1});
    n.attrs["padding"] = graph::AttrValue::of_string(padding);
    n.attrs["data_format"] = graph::AttrValue::of_string("NHWC");
    return n;
  }
  // x -> Mul(1/s) -> Round -> ClipByValue(-128-zp, 127-zp) -> Mul(s); the root is p + "/dequant".
  void act_qdq(const std::string& p, const std::string& x, float s, int zp) {
    constant(p + "/inv", graph::Tensor::scalar<float>(1.0f / s));
    constant(p + "/lo", graph::Tensor::scalar<float>(static_cast<float>(-128 - zp)));
    constant(p + "/hi", graph::Tensor::scalar<float>(static_cast<float>(127 - zp)));
    constant(p + "/scale", graph::Tensor::scalar<float>(s));
    add(p + "/mul_inv", "Mul", {x, p + "/inv"});
    add(p + "/round", "Round", {p + "/mul_inv"});
    add(p + "/clip", "ClipByValue", {p + "/round", p + "/lo", p + "/hi"});
    add(p + "/dequant", "Mul", {p + "/clip", p + "/scale"});
  }
  // Const int8 -> Cast(float) -> Mul(scale); the result is p + "/weights".
  void weight_dequant(const std::string& p, graph::Tensor q, graph::Tensor scale) {
    constant(p + "/weights_int8", std::move(q));
    constant(p + "/weights_scale", std::move(scale));
    graph::Node& cast = add(p + "/cast", "Cast", {p + "/weights_int8"});
    cast.attrs["SrcT"] = graph::AttrValue::of_type(graph::DataType::kInt8);
    cast.attrs["DstT"] = graph::AttrValue::of_type(graph::DataType::kFloat);
    add(p + "/weights", "Mul", {p + "/cast", p + "/weights_scale"});
  }
  // amct's bias on the int32 grid: Const int32 -> Cast(float) -> Mul(deq_scale); the result is p + "/dequant".
  void int32_bias(const std::string& p, std::vector<int32_t> q, std::vector<float> deq_scale) {
    const int64_t n = static_cast<int64_t>(q.size()), m = static_cast<int64_t>(deq_scale.size());
    constant(p + "/int32_bias", graph::Tensor::from_vector<int32_t>({n}, std::move(q)));
    graph::Node& cast = add(p + "/cast", "Cast", {p + "/int32_bias"});
    cast.attrs["SrcT"] = graph::AttrValue::of_type(graph::DataType::kInt32);
    cast.attrs["DstT"] = graph::AttrValue::of_type(graph::DataType::kFloat);
    fconst(p + "/deq_scale", {m}, std::move(deq_scale));
    add(p + "/dequant", "Mul", {p + "/cast", p + "/deq_scale"});
  }
};

inline std::vector<std::string> op_types(const onnx::ModelProto& m) {
  std::vector<std::string> out;
  for (const auto& n : m.graph().node()) out.push_back(n.op_type());
  return out;
}

inline int count_op(const onnx::ModelProto& m, const std::string& op) {
  int c = 0;
  for (const auto& n : m.graph().node()) c += n.op_type() == op;
  return c;
}

inline const onnx::NodeProto* node_named(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& n : m.graph().node())
    if (n.name() == name) return &n;
  return nullptr;
}

inline const onnx::NodeProto* first_op(const onnx::ModelProto& m, const std::string& op) {
  for (const auto& n : m.graph().node())
    if (n.op_type() == op) return &n;
  return nullptr;
}

inline const onnx::NodeProto* producer_of(const onnx::ModelProto& m, const std::string& tensor) {
  for (const auto& n : m.graph().node())
    for (const auto& o : n.output())
      if (o == tensor) return &n;
  return nullptr;
}

inline const onnx::TensorProto* initializer(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) return &t;
  return nullptr;
}

inline const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

inline std::vector<int64_t> ints(const onnx::NodeProto& n, const std::string& name) {
  const onnx::AttributeProto* a = attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>{};
}

inline std::vector<int64_t> dims(const onnx::TensorProto& t) { return {t.dims().begin(), t.dims().end()}; }

// Values of an initializer (raw_data or the typed field), as T.
template <typename T>
std::vector<T> values(const onnx::TensorProto& t) {
  std::vector<T> out;
  if (!t.raw_data().empty()) {
    out.resize(t.raw_data().size() / sizeof(T));
    std::memcpy(out.data(), t.raw_data().data(), out.size() * sizeof(T));
  } else if (t.data_type() == onnx::TensorProto::FLOAT) {
    for (float v : t.float_data()) out.push_back(static_cast<T>(v));
  } else if (t.data_type() == onnx::TensorProto::INT64) {
    for (int64_t v : t.int64_data()) out.push_back(static_cast<T>(v));
  }
  return out;
}

}  // namespace amct::onnx_export::testing
