// Builds the ONNX GraphProto of an export: unique tensor/node names, initializers,
// and the one layout rule of the export. TF tensors are NHWC; ONNX convolutions
// want NCHW. Each TF tensor (a Value) may exist in the ONNX graph in TF order
// ("plain"), as its NCHW transpose, or both; the other form is made on demand
// with one Transpose, once.
#pragma once

#include <onnx/onnx_pb.h>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::onnx_export {

struct Value {
  std::string tf_name;          // the TF tensor ("node" or "node:k") this value is
  graph::DataType dtype = graph::DataType::kInvalid;
  graph::Shape shape;           // TF order; -1 = unknown
  bool is_output = false;       // a graph output: its plain form must carry tf_name
  bool is_const = false;
  graph::Tensor constant;       // when is_const
  std::string plain;            // ONNX tensor in TF order, "" = not made yet
  std::string nchw;             // ONNX tensor in NCHW order (rank 4 only)
  int rank() const { return static_cast<int>(shape.size()); }
};

class ModelBuilder {
 public:
  // `reserved`: names only their own TF tensor may take (every TF node name).
  ModelBuilder(onnx::GraphProto* graph, std::set<std::string> reserved);

  // A tensor name not used yet: base, base_1, base_2, ... avoiding reserved names.
  std::string fresh(const std::string& base);
  // `name` itself when still free (TF tensors claim their own names), else fresh(name).
  std::string claim(const std::string& name);

  onnx::NodeProto* add_node(const std::string& op, const std::string& node_name,
                            const std::vector<std::string>& inputs, const std::vector<std::string>& outputs);
  // Adds an initializer named fresh(base) / claim(tf_name); returns the name used.
  Expected<std::string> add_initializer(const std::string& base, const graph::Tensor& t);
  Expected<std::string> add_tf_initializer(const std::string& tf_name, const graph::Tensor& t);
  std::string add_int64s(const std::string& base, const std::vector<int64_t>& v);
  // One shared float32 scalar initializer per value (Clip bounds and the like).
  std::string float_scalar(float v);

  // A new Value owned by the builder (stable address).
  Value* new_value();
  // The ONNX tensor of `v` in TF order / in NCHW order (rank 4), emitting a
  // Transpose or an initializer the first time.
  Expected<std::string> plain(Value& v);
  Expected<std::string> nchw(Value& v);
  // Name for a new runtime result of TF tensor `tf_name` in the given form: the
  // TF name itself, except for a graph output made in NCHW (its TF name is kept
  // for the TF-order form).
  std::string result_name(const std::string& tf_name, bool is_output, bool is_nchw);

  onnx::GraphProto* graph() { return graph_; }

 private:
  onnx::GraphProto* graph_;
  std::set<std::string> reserved_;
  std::set<std::string> used_;
  std::set<std::string> node_names_;
  std::map<float, std::string> float_scalars_;
  std::deque<Value> values_;
};

// Attribute helpers.
void set_attr(onnx::NodeProto* n, const std::string& name, int64_t v);
void set_attr(onnx::NodeProto* n, const std::string& name, float v);
void set_attr(onnx::NodeProto* n, const std::string& name, const std::string& v);
void set_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);

}  // namespace amct::onnx_export
