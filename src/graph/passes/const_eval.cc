#include "graph/passes/const_eval.h"

#include <functional>
#include <string_view>
#include <unordered_map>

namespace amct::graph {
namespace {

using Fn = std::function<const_eval::Result(const Node&, const std::vector<Tensor>&)>;

const std::unordered_map<std::string_view, Fn>& table() {
  static const std::unordered_map<std::string_view, Fn> kTable = {
      {"Shape", const_eval::shape},
      {"Pack", const_eval::pack},
      {"ConcatV2", const_eval::concat_v2},
      {"Reshape", const_eval::reshape},
      {"Squeeze", const_eval::squeeze},
      {"ExpandDims", const_eval::expand_dims},
      {"Fill", const_eval::fill},
      {"Range", const_eval::range},
      {"StridedSlice", const_eval::strided_slice},
      {"Cast", const_eval::cast},
      {"Prod", const_eval::reduce},
      {"Sum", const_eval::reduce},
      {"Add", const_eval::binary},
      {"AddV2", const_eval::binary},
      {"Sub", const_eval::binary},
      {"Mul", const_eval::binary},
      {"RealDiv", const_eval::binary},
      {"Maximum", const_eval::binary},
      {"Minimum", const_eval::binary},
      {"Rsqrt", const_eval::unary},
      {"Sqrt", const_eval::unary},
      {"Identity", [](const Node&, const std::vector<Tensor>& in) -> const_eval::Result {
         return std::optional<Tensor>(in[0].clone());
       }},
  };
  return kTable;
}

// Data inputs each op needs (-1: variadic, checked by the evaluator).
int arity(const std::string& op) {
  if (op == "Pack" || op == "ConcatV2") return -1;
  if (op == "Shape" || op == "Squeeze" || op == "Cast" || op == "Rsqrt" || op == "Sqrt" ||
      op == "Identity")
    return 1;
  if (op == "StridedSlice") return 4;
  if (op == "Range") return 3;
  return 2;
}

}  // namespace

bool is_const_foldable_op(const std::string& op) { return table().count(op) > 0; }

Expected<std::optional<Tensor>> eval_const_node(const Node& n, const std::vector<Tensor>& inputs) {
  auto it = table().find(n.op);
  if (it == table().end()) return std::optional<Tensor>();
  const int want = arity(n.op);
  if (want >= 0 && inputs.size() != static_cast<size_t>(want))
    return error("{}: has {} data inputs, expected {}", n.describe(), inputs.size(), want);
  if (want < 0 && inputs.empty()) return error("{}: has no data inputs", n.describe());
  auto r = it->second(n, inputs);
  if (!r.ok()) {
    const std::string& m = r.status().message();
    if (m.rfind(n.describe(), 0) == 0) return r;
    return r.status().with_context(n.describe());
  }
  if (r.value() && r.value()->num_elements() > kMaxFoldedElements) return std::optional<Tensor>();
  return r;
}

namespace const_eval {

Expected<std::vector<int64_t>> int_values(const Tensor& t, const char* what) {
  if (t.dtype() != DataType::kInt32 && t.dtype() != DataType::kInt64)
    return error("{} must be int32 or int64, got {}", what, dtype_name(t.dtype()));
  if (t.rank() > 1) return error("{} must be a scalar or vector, got shape {}", what, shape_str(t.shape()));
  return t.to_int64_vector();
}

}  // namespace const_eval
}  // namespace amct::graph
