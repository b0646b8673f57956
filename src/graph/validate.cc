#include "graph/validate.h"

#include <string_view>
#include <unordered_map>

#include "graph/passes/topo_sort.h"

namespace amct::graph {
namespace {

// Ops with a fixed number of outputs (TF's op registry for the ops amct meets).
const std::unordered_map<std::string_view, int>& fixed_outputs() {
  static const std::unordered_map<std::string_view, int> kTable = {
      {"NoOp", 0}, {"Assert", 0}, {"SaveV2", 0},
      {"FusedBatchNorm", 5}, {"FusedBatchNormV2", 5}, {"FusedBatchNormV3", 6},
      {"DecodeWav", 2}, {"Switch", 2}, {"RefSwitch", 2}, {"Merge", 2}, {"RefMerge", 2},
      {"Unique", 2}, {"TopKV2", 2}, {"QuantizeV2", 3}, {"QuantizedConv2D", 3},
      {"QuantizedRelu", 3}, {"QuantizedMatMul", 3}, {"QuantizedBiasAdd", 3},
      {"Conv2D", 1}, {"DepthwiseConv2dNative", 1}, {"Conv2DBackpropInput", 1}, {"MatMul", 1},
      {"BatchMatMul", 1}, {"BatchMatMulV2", 1}, {"BiasAdd", 1}, {"Relu", 1}, {"Relu6", 1},
      {"LeakyRelu", 1}, {"Elu", 1}, {"Selu", 1}, {"Sigmoid", 1}, {"Tanh", 1}, {"Softmax", 1},
      {"LogSoftmax", 1}, {"Add", 1}, {"AddV2", 1}, {"AddN", 1}, {"Sub", 1}, {"Mul", 1},
      {"RealDiv", 1}, {"Div", 1}, {"FloorDiv", 1}, {"Maximum", 1}, {"Minimum", 1}, {"Rsqrt", 1},
      {"Sqrt", 1}, {"Square", 1}, {"Neg", 1}, {"Exp", 1}, {"Log", 1}, {"Abs", 1},
      {"AvgPool", 1}, {"MaxPool", 1}, {"Mean", 1}, {"Sum", 1}, {"Max", 1}, {"Min", 1},
      {"Prod", 1}, {"Reshape", 1}, {"Squeeze", 1}, {"ExpandDims", 1}, {"Shape", 1}, {"Size", 1},
      {"Rank", 1}, {"Pack", 1}, {"StridedSlice", 1}, {"Slice", 1}, {"Cast", 1}, {"ConcatV2", 1},
      {"Concat", 1}, {"Fill", 1}, {"Range", 1}, {"Identity", 1}, {"Snapshot", 1},
      {"StopGradient", 1}, {"PreventGradient", 1}, {"Pad", 1}, {"PadV2", 1}, {"MirrorPad", 1},
      {"Transpose", 1}, {"Tile", 1}, {"GatherV2", 1}, {"Placeholder", 1},
      {"PlaceholderWithDefault", 1}, {"Const", 1}, {"FakeQuantWithMinMaxVars", 1},
      {"FakeQuantWithMinMaxVarsPerChannel", 1}, {"FakeQuantWithMinMaxArgs", 1},
      {"AudioSpectrogram", 1}, {"Mfcc", 1}, {"ArgMax", 1}, {"NextIteration", 1}, {"Enter", 1},
      {"Exit", 1}, {"LoopCond", 1}, {"ResizeBilinear", 1}, {"ResizeNearestNeighbor", 1},
      {"Dequantize", 1}, {"AscendQuant", 1}, {"AscendDequant", 1}, {"AscendWeightQuant", 1},
      {"AscendAntiQuant", 1},
  };
  return kTable;
}

std::string plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

Status check_const(const Node& n) {
  if (n.num_data_inputs() != 0) return error("{}: a Const has no data inputs", n.describe());
  const AttrValue* dtype = n.attr("dtype");
  if (dtype == nullptr || dtype->kind != AttrValue::Kind::kType)
    return error("{}: missing or non-type 'dtype' attribute", n.describe());
  const AttrValue* value = n.attr("value");
  if (value == nullptr) return error("{}: missing 'value' attribute", n.describe());
  if (value->kind == AttrValue::Kind::kTensor) {
    if (value->tensor.dtype() != dtype->type)
      return error("{}: 'value' tensor is {} but 'dtype' says {}", n.describe(),
                   dtype_name(value->tensor.dtype()), dtype_name(dtype->type));
    return Status::ok();
  }
  // Tensors amct does not hold densely (strings) stay serialized.
  const bool dense = dtype_size(dtype->type) > 0;
  if (value->kind == AttrValue::Kind::kOpaque && !dense) return Status::ok();
  return error("{}: 'value' attribute is not a tensor", n.describe());
}

Status check_inputs(const Graph& g, const Node& n) {
  bool seen_control = false;
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    const std::string& in = n.inputs[k];
    auto ref = parse_tensor_ref(in);
    if (!ref.ok()) return error("{}: input {}: {}", n.describe(), k, ref.status().message());
    if (ref->is_control()) {
      seen_control = true;
    } else if (seen_control) {
      return error("{}: data input {} '{}' follows a control input", n.describe(), k, in);
    }
    const Node* src = g.find(ref->node);
    if (src == nullptr)
      return error("{}: input {} '{}' names a node that is not in the graph", n.describe(), k, in);
    if (ref->is_control()) continue;
    const auto outs = known_num_outputs(*src);
    if (outs && ref->index >= *outs)
      return error("{}: input {} '{}': {} has {}", n.describe(), k, in, src->describe(),
                   plural(*outs, "output"));
  }
  return Status::ok();
}

}  // namespace

std::optional<int> known_num_outputs(const Node& n) {
  const auto& table = fixed_outputs();
  if (auto it = table.find(n.op); it != table.end()) return it->second;
  if (n.op == "Split" || n.op == "SplitV") {
    const int64_t k = n.attr_int_or("num_split", -1);
    if (k >= 0 && k <= (1 << 20)) return static_cast<int>(k);
  } else if (n.op == "Unpack") {
    const int64_t k = n.attr_int_or("num", -1);
    if (k >= 0 && k <= (1 << 20)) return static_cast<int>(k);
  } else if (n.op == "IdentityN") {
    const AttrValue* t = n.attr("T");
    if (t && t->kind == AttrValue::Kind::kList) return static_cast<int>(t->list.type.size());
  }
  return std::nullopt;
}

Status validate(const Graph& g) {
  for (size_t i = 0; i < g.size(); ++i) {
    const Node& n = g.node(i);
    if (n.name.empty()) return error("node {} (op '{}') has an empty name", i, n.op);
    const Node* indexed = g.find(n.name);
    if (indexed == nullptr) return error("node '{}' is missing from the name index (renamed in place?)", n.name);
    if (indexed != &n) return error("duplicate node name '{}'", n.name);
    if (n.op.empty()) return error("node '{}' has an empty op", n.name);
    AMCT_RETURN_IF_ERROR(check_inputs(g, n));
    if (n.op == "Const") AMCT_RETURN_IF_ERROR(check_const(n));
  }
  auto order = topo_order(g);
  return order.ok() ? Status::ok() : order.status();
}

}  // namespace amct::graph
