// Evaluates one node on constant inputs, for fold_constants. Covers shape
// arithmetic and float elementwise math; anything else is "not foldable".
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "graph/node.h"
#include "graph/tensor.h"

namespace amct::graph {

// Folded results larger than this stay as ops (TF's folding also skips big outputs).
constexpr int64_t kMaxFoldedElements = int64_t{1} << 24;

// The node's output 0 for these data inputs; nullopt when the op or this use
// of it is not handled (the node is then left alone); an error when the
// inputs are invalid for the op (e.g. shapes that do not broadcast).
Expected<std::optional<Tensor>> eval_const_node(const Node& n, const std::vector<Tensor>& inputs);
bool is_const_foldable_op(const std::string& op);

namespace const_eval {
using Result = Expected<std::optional<Tensor>>;
// Shape and indexing ops (const_eval_shape.cc).
Result shape(const Node& n, const std::vector<Tensor>& in);
Result pack(const Node& n, const std::vector<Tensor>& in);
Result concat_v2(const Node& n, const std::vector<Tensor>& in);
Result reshape(const Node& n, const std::vector<Tensor>& in);
Result squeeze(const Node& n, const std::vector<Tensor>& in);
Result expand_dims(const Node& n, const std::vector<Tensor>& in);
Result fill(const Node& n, const std::vector<Tensor>& in);
Result range(const Node& n, const std::vector<Tensor>& in);
Result strided_slice(const Node& n, const std::vector<Tensor>& in);
// Arithmetic (const_eval_math.cc).
Result cast(const Node& n, const std::vector<Tensor>& in);
Result binary(const Node& n, const std::vector<Tensor>& in);
Result unary(const Node& n, const std::vector<Tensor>& in);
Result reduce(const Node& n, const std::vector<Tensor>& in);
// A rank <= 1 int32/int64 tensor as int64 values.
Expected<std::vector<int64_t>> int_values(const Tensor& t, const char* what);
}  // namespace const_eval

}  // namespace amct::graph
