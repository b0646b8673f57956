// What a per-op converter sees: the TF graph, the ONNX builder and the value
// of every TF tensor converted so far. Converters append ONNX nodes and
// register one result Value per TF node.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/status.h"
#include "formats/onnx/exact_forms.h"
#include "formats/onnx/model_builder.h"
#include "formats/onnx/tf_patterns.h"
#include "graph/graph.h"

namespace amct::onnx_export {

struct Context {
  Context(const graph::Graph& g, ModelBuilder& builder) : graph(g), b(builder) {}

  const graph::Graph& graph;
  ModelBuilder& b;
  std::map<std::string, Value*> values;       // TF tensor ("node", "node:k") -> value
  std::set<std::string> outputs;              // requested TF output tensors
  std::map<std::string, size_t> consumers;    // see count_consumers()
  ExactForms exact;                           // empty: textbook QDQ everywhere

  // Value of data input i of n; an error naming n when it was not converted.
  Expected<Value*> input(const graph::Node& n, size_t i);
  // The constant data input i of n (through Identity); an error when not constant.
  Expected<graph::Tensor> const_input(const graph::Node& n, size_t i, const char* what);
  // Registers the result of TF node `tf_name` (output 0).
  Value* add_result(const std::string& tf_name, graph::DataType dtype, graph::Shape shape);
  // add_result + the ONNX tensor name it gets in the given layout.
  std::string new_result(const std::string& tf_name, graph::DataType dtype, graph::Shape shape, bool nchw);
  bool is_output(const std::string& tf_name) const { return outputs.count(tf_name) != 0; }
};

using ConvertFn = Status (*)(Context& ctx, const graph::Node& n);

// The converter for a TF op, or nullptr when the export does not support it.
ConvertFn find_converter(const std::string& op);

// Conv2D / DepthwiseConv2dNative / MatMul with an optional fused bias; the
// result is registered under `result_name` (the BiasAdd when fused).
Status convert_conv(Context& ctx, const graph::Node& conv, const FloatBias* bias, const std::string& result_name);
Status convert_matmul(Context& ctx, const graph::Node& mm, const FloatBias* bias, const std::string& result_name);
// An ActQdq chain rooted at `root` (the last Mul).
Status convert_act_qdq(Context& ctx, const graph::Node& root, const ActQdq& q);

}  // namespace amct::onnx_export
