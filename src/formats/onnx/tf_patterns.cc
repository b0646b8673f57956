#include "formats/onnx/tf_patterns.h"

#include <cmath>

namespace amct::onnx_export {
namespace {

// The float value of a one-element constant input, or nullopt.
std::optional<float> scalar_const(const graph::Graph& g, const graph::TensorRef& ref) {
  auto t = const_value(g, ref);
  if (!t || t->num_elements() != 1 || t->dtype() != graph::DataType::kFloat) return std::nullopt;
  return t->data<float>()[0];
}

// For a two-input node, which input is a one-element float Const (0 or 1), or -1.
int scalar_side(const graph::Graph& g, const graph::Node& n) {
  if (n.num_data_inputs() != 2) return -1;
  if (scalar_const(g, n.data_input(1))) return 1;
  if (scalar_const(g, n.data_input(0))) return 0;
  return -1;
}

const graph::Node* producer_of_op(const graph::Graph& g, const graph::TensorRef& ref, const char* op) {
  if (ref.index != 0) return nullptr;
  const graph::Node* p = producer(g, ref);
  return p != nullptr && p->op == op ? p : nullptr;
}

Status check_scale(const graph::Node& n, const char* what, float s) {
  if (!std::isfinite(s) || s <= 0.0f) return error("{}: {} {} is not a positive finite number", n.describe(), what, s);
  return Status::ok();
}

}  // namespace

bool is_weighted(const std::string& op) {
  return op == "Conv2D" || op == "DepthwiseConv2dNative" || op == "MatMul";
}

std::map<std::string, size_t> count_consumers(const graph::Graph& g) {
  std::map<std::string, size_t> count;
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    for (size_t k = 0; k < n.num_data_inputs(); ++k) ++count[n.data_input(k).node];
  }
  return count;
}

const graph::Node* producer(const graph::Graph& g, graph::TensorRef ref) {
  // Bounded walk: a malformed graph may hold an Identity cycle.
  for (size_t steps = 0; steps <= g.size(); ++steps) {
    const graph::Node* n = g.find(ref.node);
    if (n == nullptr || n->op != "Identity" || n->num_data_inputs() != 1 || ref.index != 0) return n;
    ref = n->data_input(0);
  }
  return nullptr;
}

std::optional<graph::Tensor> const_value(const graph::Graph& g, const graph::TensorRef& ref) {
  if (ref.index != 0) return std::nullopt;
  const graph::Node* n = producer(g, ref);
  if (n == nullptr || n->op != "Const") return std::nullopt;
  auto t = n->attr_tensor("value");
  if (!t.ok()) return std::nullopt;
  return std::move(t).value();
}

Expected<std::optional<ActQdq>> match_act_qdq(const graph::Graph& g, const graph::Node& mul) {
  const std::optional<ActQdq> none;
  if (mul.op != "Mul") return none;
  const int outer_side = scalar_side(g, mul);
  if (outer_side < 0) return none;
  const graph::Node* clip = producer_of_op(g, mul.data_input(static_cast<size_t>(1 - outer_side)), "ClipByValue");
  if (clip == nullptr || clip->num_data_inputs() != 3) return none;
  const graph::Node* round = producer_of_op(g, clip->data_input(0), "Round");
  if (round == nullptr || round->num_data_inputs() != 1) return none;
  const graph::Node* inner = producer_of_op(g, round->data_input(0), "Mul");
  if (inner == nullptr) return none;
  const int inner_side = scalar_side(g, *inner);
  const auto lo = scalar_const(g, clip->data_input(1));
  const auto hi = scalar_const(g, clip->data_input(2));
  if (inner_side < 0 || !lo || !hi) return none;

  const float scale = *scalar_const(g, mul.data_input(static_cast<size_t>(outer_side)));
  const float inv = *scalar_const(g, inner->data_input(static_cast<size_t>(inner_side)));
  AMCT_RETURN_IF_ERROR(check_scale(mul, "scale", scale));
  AMCT_RETURN_IF_ERROR(check_scale(*inner, "inverse scale", inv));
  // Only an int8 grid is a QuantizeLinear: lo = -128 - zp, hi = 127 - zp.
  const float zp = -128.0f - *lo;
  if (zp != std::round(zp) || zp < -128.0f || zp > 127.0f || *hi != 127.0f - zp) return none;
  if (std::fabs(static_cast<double>(inv) * scale - 1.0) > 1e-4) return none;
  return std::optional<ActQdq>(ActQdq{inner->data_input(static_cast<size_t>(1 - inner_side)), scale, inv,
                                      static_cast<int32_t>(zp)});
}

namespace {

// Const `int_type` -> Cast(DstT float) -> Mul(Const float), in either Mul operand order.
Expected<std::optional<WeightDequant>> match_dequant(const graph::Graph& g, const graph::TensorRef& ref,
                                                     graph::DataType int_type, const char* what) {
  const std::optional<WeightDequant> none;
  const graph::Node* mul = producer_of_op(g, ref, "Mul");
  if (mul == nullptr || mul->num_data_inputs() != 2) return none;
  for (size_t cast_side = 0; cast_side < 2; ++cast_side) {
    const graph::Node* cast = producer_of_op(g, mul->data_input(cast_side), "Cast");
    if (cast == nullptr || cast->num_data_inputs() != 1) continue;
    auto q = const_value(g, cast->data_input(0));
    auto scale = const_value(g, mul->data_input(1 - cast_side));
    if (!q || q->dtype() != int_type || !scale || scale->dtype() != graph::DataType::kFloat) continue;
    auto dst = cast->attr_type("DstT");
    if (!dst.ok() || dst.value() != graph::DataType::kFloat) continue;
    for (int64_t i = 0; i < scale->num_elements(); ++i)
      AMCT_RETURN_IF_ERROR(check_scale(*mul, what, scale->data<float>()[i]));
    return std::optional<WeightDequant>(
        WeightDequant{producer(g, cast->data_input(0))->name, std::move(*q), std::move(*scale)});
  }
  return none;
}

}  // namespace

Expected<std::optional<WeightDequant>> match_weight_dequant(const graph::Graph& g, const graph::TensorRef& ref) {
  return match_dequant(g, ref, graph::DataType::kInt8, "weight scale");
}

Expected<std::optional<FloatBias>> float_bias(const graph::Graph& g, const graph::TensorRef& ref) {
  if (auto c = const_value(g, ref)) {
    if (c->dtype() != graph::DataType::kFloat) return std::optional<FloatBias>();
    return std::optional<FloatBias>(FloatBias{producer(g, ref)->name, std::move(*c), std::nullopt, graph::Tensor()});
  }
  AMCT_ASSIGN_OR_RETURN(const std::optional<WeightDequant> dq, match_dequant(g, ref, graph::DataType::kInt32, "bias scale"));
  if (!dq || (dq->scale.num_elements() != 1 && dq->scale.num_elements() != dq->q.num_elements()))
    return std::optional<FloatBias>();
  graph::Tensor value(graph::DataType::kFloat, dq->q.shape());
  const bool per_tensor = dq->scale.num_elements() == 1;
  for (int64_t i = 0; i < value.num_elements(); ++i)  // float32 product, as TF's Mul computes it
    value.data<float>()[i] =
        static_cast<float>(dq->q.data<int32_t>()[i]) * dq->scale.data<float>()[per_tensor ? 0 : i];
  return std::optional<FloatBias>(FloatBias{producer(g, ref)->name, std::move(value), dq->q, dq->scale});
}

Expected<std::optional<BiasFusion>> match_bias_fusion(const graph::Graph& g, const graph::Node& bias_add,
                                                      const std::map<std::string, size_t>& consumers,
                                                      const std::set<std::string>& outputs) {
  const std::optional<BiasFusion> none;
  if (bias_add.op != "BiasAdd" || bias_add.num_data_inputs() != 2) return none;
  if (bias_add.attr_string_or("data_format", "NHWC") != "NHWC") return none;
  const graph::TensorRef in = bias_add.data_input(0);
  const graph::Node* core = g.find(in.node);
  if (core == nullptr || in.index != 0 || !is_weighted(core->op)) return none;
  auto it = consumers.find(core->name);
  if (it == consumers.end() || it->second != 1 || outputs.count(core->name)) return none;
  AMCT_ASSIGN_OR_RETURN(std::optional<FloatBias> bias, float_bias(g, bias_add.data_input(1)));
  if (!bias) return none;
  if (bias->value.rank() != 1) return none;
  return std::optional<BiasFusion>(BiasFusion{core, std::move(*bias)});
}

std::vector<graph::TensorRef> effective_inputs(const graph::Graph& g, const graph::Node& n) {
  std::vector<graph::TensorRef> in;
  for (size_t i = 0; i < n.num_data_inputs(); ++i) in.push_back(n.data_input(i));
  if (is_weighted(n.op) && in.size() == 2) {
    auto w = match_weight_dequant(g, in[1]);
    if (w.ok() && w.value()) in.pop_back();
  }
  return in;
}

}  // namespace amct::onnx_export
