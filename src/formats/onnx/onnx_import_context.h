// State of one ONNX import: the IR graph being built, what each ONNX tensor
// name became in it, and the helpers the op converters share (constants,
// layout Transposes, attribute reads). See onnx_reader.h for the mapping.
#pragma once

#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "graph/passes/sink_transposes.h"

namespace amct::onnx_import {

// An ONNX tensor as the IR sees it. Shapes are in ONNX layout (NCHW where the
// model is); -1 marks an unknown dim, nullopt an unknown rank.
struct Value {
  std::string ref;  // IR tensor ("node" or "node:k"); empty for a constant not yet emitted
  graph::DataType dtype = graph::DataType::kInvalid;  // kInvalid: unknown
  std::optional<graph::Shape> shape;
  std::optional<graph::Tensor> constant;  // known at import (initializers, Constant, folded)
};

class ImportContext {
 public:
  ImportContext(std::string source, int64_t opset, std::set<std::string> graph_outputs)
      : source_(std::move(source)), opset_(opset), graph_outputs_(std::move(graph_outputs)) {}

  const std::string& source() const { return source_; }
  int64_t opset() const { return opset_; }
  graph::Graph& graph() { return g_; }
  graph::StaticShapes& shapes() { return shapes_; }

  // Registers an ONNX tensor; an error when the name is already defined.
  Status define(const std::string& onnx_name, Value v);
  bool is_defined(const std::string& onnx_name) const { return values_.count(onnx_name) != 0; }
  // The value of a node input; an error naming the input when undefined.
  Expected<Value> value(const std::string& onnx_name) const;
  // Its IR tensor; a constant gets its Const node on first use.
  Expected<std::string> ref(const std::string& onnx_name);

  // IR name for the node that produces ONNX tensor `t` (':' and a leading '^'
  // replaced, as IR inputs use them as separators), made unique.
  std::string output_name(const std::string& t) const;
  // A fresh IR name from `base` (sanitized the same way).
  std::string internal_name(const std::string& base) const;
  bool is_graph_output(const std::string& t) const { return graph_outputs_.count(t) != 0; }

  // Adds `n` (its name must be unique) and records its output shape (IR layout).
  Status add(graph::Node n, const std::optional<graph::Shape>& shape);
  // Adds a Const named from `base`; returns its name.
  Expected<std::string> add_const(const std::string& base, const graph::Tensor& t);
  // Adds Transpose(input, perm) named `name`; `in_shape` is the input's shape.
  Status add_transpose(const std::string& name, const std::string& input, const std::vector<int>& perm,
                       const std::optional<graph::Shape>& in_shape);

  // NCHW ops run NHWC: the input through a Transpose (0,2,3,1) ...
  Expected<std::string> to_nhwc(const Value& x, const std::string& base);
  // ... and the result back through (0,3,1,2), named for ONNX tensor `t`.
  // `inner` receives the name the last NHWC node must take.
  struct NchwNames {
    std::string inner;      // last NHWC node
    std::string transpose;  // the Transpose to NCHW (what ONNX consumers read)
  };
  NchwNames nchw_names(const std::string& t) const;
  // Adds the Transpose back and defines `t`.
  Status finish_nchw(const std::string& t, const NchwNames& names, graph::DataType dtype,
                     const std::optional<graph::Shape>& nhwc_shape);

 private:
  std::string source_;
  int64_t opset_;
  std::set<std::string> graph_outputs_;
  graph::Graph g_;
  graph::StaticShapes shapes_;
  std::map<std::string, Value> values_;
};

// IR name of an ONNX name: ':' -> '_' and a leading '^' -> '_'; empty -> "unnamed".
std::string sanitize_name(const std::string& onnx_name);

// Node inputs: "" where the input is absent or empty (ONNX's optional inputs).
std::string input_name(const onnx::NodeProto& n, int k);

// Input k with its IR tensor emitted; an error when it is absent.
Expected<Value> operand(ImportContext& ctx, const onnx::NodeProto& n, int k);
// Input k's value known at import; an error naming `what` otherwise.
Expected<graph::Tensor> constant_operand(ImportContext& ctx, const onnx::NodeProto& n, int k, const char* what);
// Output 0's tensor name; an error when the node has none.
Expected<std::string> first_output(const onnx::NodeProto& n);
// numpy broadcasting of two shapes (-1 = unknown); an error when they clash.
Expected<graph::Shape> broadcast_shapes(const graph::Shape& a, const graph::Shape& b);

// Attribute reads. Errors name the attribute and what was expected.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name);
Expected<int64_t> attr_int(const onnx::NodeProto& n, const std::string& name, int64_t dflt);
Expected<float> attr_float(const onnx::NodeProto& n, const std::string& name, float dflt);
Expected<std::string> attr_string(const onnx::NodeProto& n, const std::string& name, const std::string& dflt);
Expected<std::vector<int64_t>> attr_ints(const onnx::NodeProto& n, const std::string& name,
                                         const std::vector<int64_t>& dflt);

// IR node helper: an op with attr T (Consts: graph::make_const_node).
graph::Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                      graph::DataType t = graph::DataType::kFloat);

// Axis `a` of a rank-`r` tensor, negative counting from the end.
Expected<int64_t> normalize_axis(int64_t a, int64_t r);

}  // namespace amct::onnx_import
