#include "formats/onnx/convert_context.h"

#include <utility>
#include <vector>

namespace amct::onnx_export {

// Per-op converters (convert_basic.cc, convert_nn.cc).
Status convert_placeholder(Context& ctx, const graph::Node& n);
Status convert_const(Context& ctx, const graph::Node& n);
Status convert_identity(Context& ctx, const graph::Node& n);
Status convert_binary(Context& ctx, const graph::Node& n);
Status convert_unary(Context& ctx, const graph::Node& n);
Status convert_clip_by_value(Context& ctx, const graph::Node& n);
Status convert_mean(Context& ctx, const graph::Node& n);
Status convert_squeeze(Context& ctx, const graph::Node& n);
Status convert_reshape(Context& ctx, const graph::Node& n);
Status convert_softmax(Context& ctx, const graph::Node& n);
Status convert_pool(Context& ctx, const graph::Node& n);
Status convert_conv_node(Context& ctx, const graph::Node& n);
Status convert_matmul_node(Context& ctx, const graph::Node& n);

ConvertFn find_converter(const std::string& op) {
  static const std::vector<std::pair<const char*, ConvertFn>> kTable = {
      {"Placeholder", convert_placeholder},
      {"Const", convert_const},
      {"Identity", convert_identity},
      {"Add", convert_binary},
      {"AddV2", convert_binary},
      {"BiasAdd", convert_binary},
      {"Sub", convert_binary},
      {"Mul", convert_binary},
      {"RealDiv", convert_binary},
      {"Maximum", convert_binary},
      {"Minimum", convert_binary},
      {"Relu", convert_unary},
      {"Relu6", convert_unary},
      {"Sigmoid", convert_unary},
      {"Tanh", convert_unary},
      {"Round", convert_unary},
      {"Cast", convert_unary},
      {"ClipByValue", convert_clip_by_value},
      {"Mean", convert_mean},
      {"Squeeze", convert_squeeze},
      {"Reshape", convert_reshape},
      {"Softmax", convert_softmax},
      {"AvgPool", convert_pool},
      {"MaxPool", convert_pool},
      {"Conv2D", convert_conv_node},
      {"DepthwiseConv2dNative", convert_conv_node},
      {"MatMul", convert_matmul_node},
  };
  for (const auto& [name, fn] : kTable)
    if (op == name) return fn;
  return nullptr;
}

Expected<Value*> Context::input(const graph::Node& n, size_t i) {
  if (i >= n.num_data_inputs())
    return error("{}: has {} data inputs, expected at least {}", n.describe(), n.num_data_inputs(), i + 1);
  const graph::TensorRef ref = n.data_input(i);
  auto it = values.find(ref.str());
  if (it == values.end()) {
    if (graph.find(ref.node) != nullptr && ref.index > 0)
      return error("{}: input '{}': node '{}' has no output {} the export knows", n.describe(), ref.str(), ref.node,
                   ref.index);
    return error("{}: input '{}' has not been converted", n.describe(), ref.str());
  }
  return it->second;
}

Expected<graph::Tensor> Context::const_input(const graph::Node& n, size_t i, const char* what) {
  if (i >= n.num_data_inputs())
    return error("{}: has {} data inputs, expected at least {}", n.describe(), n.num_data_inputs(), i + 1);
  auto t = const_value(graph, n.data_input(i));
  if (!t) return error("{}: {} (input {}) must be a constant", n.describe(), what, i);
  return std::move(*t);
}

Value* Context::add_result(const std::string& tf_name, graph::DataType dtype, graph::Shape shape) {
  Value* v = b.new_value();
  v->tf_name = tf_name;
  v->dtype = dtype;
  v->shape = std::move(shape);
  v->is_output = is_output(tf_name);
  values[tf_name] = v;
  return v;
}

std::string Context::new_result(const std::string& tf_name, graph::DataType dtype, graph::Shape shape, bool nchw) {
  Value* v = add_result(tf_name, dtype, std::move(shape));
  std::string name = b.result_name(tf_name, v->is_output, nchw);
  (nchw ? v->nchw : v->plain) = name;
  return name;
}

}  // namespace amct::onnx_export
