#include "runtime/int8/lower_quantized.h"

#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "graph/passes/dequantize_operands.h"

namespace amct::runtime {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Graph;
using graph::Node;
using graph::Tensor;
using graph::TensorRef;

// The node producing output 0 of `ref`, through Identity nodes; null otherwise.
const Node* producer(const Graph& g, TensorRef ref) {
  for (int hops = 0; hops < 64; ++hops) {
    if (ref.index != 0) return nullptr;
    const Node* n = g.find(ref.node);
    if (n == nullptr || n->op != "Identity") return n;
    if (n->num_data_inputs() != 1) return nullptr;
    ref = n->data_input(0);
  }
  return nullptr;
}

// The value of a Const behind `ref` (through Identity), if it is one.
std::optional<Tensor> const_value(const Graph& g, const TensorRef& ref) {
  const Node* n = producer(g, ref);
  if (n == nullptr || n->op != "Const") return std::nullopt;
  auto t = n->attr_tensor("value");
  if (!t.ok()) return std::nullopt;
  return std::move(t).value();
}

std::optional<float> scalar_const(const Graph& g, const TensorRef& ref) {
  auto t = const_value(g, ref);
  if (!t || t->dtype() != DataType::kFloat || t->num_elements() != 1 || t->rank() > 1) return std::nullopt;
  return t->data<float>()[0];
}

// A binary op with a scalar float Const on one side: (other input, constant).
std::optional<std::pair<TensorRef, float>> mul_by_scalar(const Graph& g, const Node* n) {
  if (n == nullptr || n->op != "Mul" || n->num_data_inputs() != 2) return std::nullopt;
  for (size_t c = 0; c < 2; ++c)
    if (auto v = scalar_const(g, n->data_input(c))) return std::make_pair(n->data_input(1 - c), *v);
  return std::nullopt;
}

struct ActMatch {
  TensorRef x;
  float scale = 0, inv_scale = 0;
  int offset = 0;
};

// The act_quant chain ending at `ref`; a reason when it is absent or
// different. `seen`: a Mul of a ClipByValue is there (a chain, if not amct's).
Expected<ActMatch> match_act(const Graph& g, const TensorRef& ref, bool* seen) {
  *seen = false;
  auto dq = mul_by_scalar(g, producer(g, ref));
  if (!dq) return error("no act_quant dequant Mul");
  const Node* clip = producer(g, dq->first);
  if (clip == nullptr || clip->op != "ClipByValue" || clip->num_data_inputs() != 3)
    return error("no act_quant ClipByValue");
  *seen = true;
  auto lo = scalar_const(g, clip->data_input(1)), hi = scalar_const(g, clip->data_input(2));
  if (!lo || !hi) return error("act_quant clip bounds are not scalar constants");
  const Node* round = producer(g, clip->data_input(0));
  if (round == nullptr || round->op != "Round" || round->num_data_inputs() != 1) return error("no act_quant Round");
  auto mul = mul_by_scalar(g, producer(g, round->data_input(0)));
  if (!mul) return error("no act_quant Mul by 1/scale");
  ActMatch m;
  m.x = mul->first;
  m.inv_scale = mul->second;
  m.scale = dq->second;
  const float off = -128.0f - *lo;
  if (!(off >= -128.0f && off <= 127.0f) || off != std::floor(off) || *hi != 127.0f - off)
    return error("act_quant clip [{}, {}] is not an 8-bit range", *lo, *hi);
  m.offset = static_cast<int>(off);
  if (!(std::isfinite(m.scale) && m.scale > 0 && std::isfinite(m.inv_scale) && m.inv_scale > 0))
    return error("act_quant scales {} / {} are not positive", m.scale, m.inv_scale);
  return m;
}

struct WeightMatch {
  Tensor weights;            // int8
  std::vector<float> scale;  // per output channel
};

// int8 Const -> Cast -> Mul(scale) feeding `ref`. Scales: one value, or one per
// output channel in the shape amct writes for the layer type.
Expected<WeightMatch> match_weights(const Graph& g, const TensorRef& ref, const std::string& op) {
  const Node* mul = producer(g, ref);
  if (mul == nullptr || mul->op != "Mul" || mul->num_data_inputs() != 2) return error("no weight_quant Mul");
  for (size_t c = 0; c < 2; ++c) {
    const Node* cast = producer(g, mul->data_input(c));
    auto scale = const_value(g, mul->data_input(1 - c));
    if (cast == nullptr || cast->op != "Cast" || cast->num_data_inputs() != 1 || !scale) continue;
    auto w = const_value(g, cast->data_input(0));
    if (!w || w->dtype() != DataType::kInt8 || scale->dtype() != DataType::kFloat) continue;
    auto dst_t = cast->attr_type("DstT");
    if (!dst_t.ok() || *dst_t != DataType::kFloat) continue;
    const graph::Shape& s = w->shape();
    const bool matmul = op == "MatMul";
    if (s.size() != (matmul ? 2u : 4u)) return error("int8 weights have shape {}", graph::shape_str(s));
    const int64_t oc = matmul ? s[1] : op == "DepthwiseConv2dNative" ? s[2] * s[3] : s[3];
    const graph::Shape per_channel = op == "DepthwiseConv2dNative" ? graph::Shape{s[2], s[3]} : graph::Shape{oc};
    WeightMatch m;
    m.weights = *w;
    const float* sv = scale->data<float>();
    if (scale->num_elements() == 1 && scale->rank() <= 1) m.scale.assign(static_cast<size_t>(oc), sv[0]);
    else if (scale->shape() == per_channel) m.scale.assign(sv, sv + oc);
    else return error("weight scale {} does not fit weights {}", graph::shape_str(scale->shape()), graph::shape_str(s));
    for (float v : m.scale)
      if (!(std::isfinite(v) && v > 0)) return error("weight scale {} is not positive", v);
    return m;
  }
  return error("no int8 Const -> Cast -> Mul weight chain");
}

// The BiasAdd reading `layer`, with an int32 bias on the accumulator grid
// (deq_scale[c] == scale_d * scale_w[c] exactly, as amct writes it).
Node* match_bias(Graph& g, const Node& layer, float scale_d, const std::vector<float>& scale_w, Tensor* bias) {
  auto readers = g.consumers(layer.name);
  if (readers.size() != 1) return nullptr;
  Node* b = readers[0];
  if (b->op != "BiasAdd" || b->num_data_inputs() != 2 || !(b->data_input(0) == TensorRef{layer.name, 0})) return nullptr;
  if (b->attr_string_or("data_format", "NHWC") != "NHWC") return nullptr;
  const Node* mul = producer(g, b->data_input(1));
  if (mul == nullptr || mul->op != "Mul" || mul->num_data_inputs() != 2) return nullptr;
  for (size_t c = 0; c < 2; ++c) {
    const Node* cast = producer(g, mul->data_input(c));
    auto deq = const_value(g, mul->data_input(1 - c));
    if (cast == nullptr || cast->op != "Cast" || cast->num_data_inputs() != 1 || !deq) continue;
    auto q = const_value(g, cast->data_input(0));
    const int64_t oc = static_cast<int64_t>(scale_w.size());
    if (!q || q->dtype() != DataType::kInt32 || q->shape() != graph::Shape{oc}) continue;
    if (deq->dtype() != DataType::kFloat || deq->shape() != graph::Shape{oc}) continue;
    bool exact = true;
    for (int64_t k = 0; k < oc; ++k)
      exact = exact && deq->data<float>()[k] == scale_d * scale_w[static_cast<size_t>(k)];
    if (!exact) continue;
    *bias = *q;
    return b;
  }
  return nullptr;
}

std::vector<std::string> control_inputs(const Node& n) {
  return std::vector<std::string>(n.inputs.begin() + static_cast<long>(n.num_data_inputs()), n.inputs.end());
}

const char* lowered_op(const std::string& op) {
  if (op == "Conv2D") return kQConvOp;
  if (op == "DepthwiseConv2dNative") return kQDepthwiseOp;
  if (op == "MatMul") return kQMatMulOp;
  if (op == "AvgPool") return kQAvgPoolOp;
  return nullptr;
}

class Lowerer {
 public:
  Lowerer(Graph& g, const LowerOptions& opts) : g_(g), opts_(opts) {}

  Expected<LowerReport> run() {
    // Integer-form layers (what amct writes now) are first put in the
    // dequantized-operand form this lowering reads; declined ones keep their
    // exact integer simulation.
    auto lowerable = [this](const std::string& name) {
      const Node* n = g_.find(name);
      return n != nullptr && lowered_op(n->op) != nullptr;
    };
    AMCT_ASSIGN_OR_RETURN(graph::DequantizeOperandsResult dq,
                          graph::dequantize_operands(g_, [&](const std::string& name) {
                            return lowerable(name) && (!opts_.select || opts_.select(name));
                          }));
    for (const std::string& name : dq.not_selected)
      if (lowerable(name)) report_.not_selected.push_back(name);
    std::vector<std::string> layers;
    for (size_t i = 0; i < g_.size(); ++i)
      if (lowered_op(g_.node(i).op)) layers.push_back(g_.node(i).name);
    for (const std::string& name : layers) AMCT_RETURN_IF_ERROR(visit(name));
    // Quantized transposed convolutions have no INT8 kernel: say so rather
    // than leave them out of the report (they run as their fp32 simulation).
    for (size_t i = 0; i < g_.size(); ++i) {
      const Node& n = g_.node(i);
      if (n.op != "Conv2DBackpropInput" || n.num_data_inputs() < 3) continue;
      bool seen = false;
      (void)match_act(g_, n.data_input(2), &seen);
      const Node* in = producer(g_, n.data_input(2));
      if (seen || (in != nullptr && in->op == "ClipByValue")) report_.unmatched.push_back(n.name + ": no INT8 kernel for Conv2DBackpropInput (runs as its simulation)");
    }
    return std::move(report_);
  }

 private:
  Status visit(const std::string& name) {
    Node* n = g_.find(name);
    if (n->num_data_inputs() < (n->op == "AvgPool" ? 1u : 2u)) return Status::ok();
    bool seen = false;
    auto act = match_act(g_, n->data_input(0), &seen);
    auto unmatched = [&](const std::string& why) {
      report_.unmatched.push_back(name + ": " + why);
      return Status::ok();
    };
    if (!act.ok()) return seen ? unmatched(act.status().message()) : Status::ok();  // else: a float layer
    if (n->attr_string_or("data_format", "NHWC") != "NHWC") return unmatched("data_format is not NHWC");
    WeightMatch w;
    if (n->op != "AvgPool") {
      if (n->op == "MatMul" && (n->attr_bool_or("transpose_a", false) || n->attr_bool_or("transpose_b", false)))
        return unmatched("transposed MatMul");
      auto wm = match_weights(g_, n->data_input(1), n->op);
      if (!wm.ok()) return unmatched(wm.status().message());
      w = std::move(wm).value();
    }
    if (opts_.select && !opts_.select(name)) {
      report_.not_selected.push_back(name);
      return Status::ok();
    }
    Tensor bias;
    Node* bias_add = n->op == "AvgPool" ? nullptr : match_bias(g_, *n, act->scale, w.scale, &bias);
    AMCT_ASSIGN_OR_RETURN(std::string q, quantize_node(*act));
    n = g_.find(name);  // adding a node may move nothing, but keep lookups fresh
    std::vector<std::string> inputs{q};
    for (auto& c : control_inputs(*n)) inputs.push_back(c);
    n->inputs = std::move(inputs);
    n->op = lowered_op(n->op);
    n->attrs["act_scale"] = AttrValue::of_float(act->scale);
    n->attrs["act_inv_scale"] = AttrValue::of_float(act->inv_scale);
    n->attrs["act_offset"] = AttrValue::of_int(act->offset);
    if (!w.weights.empty()) {
      n->attrs["weights"] = AttrValue::of_tensor(w.weights);
      n->attrs["weight_scale"] =
          AttrValue::of_tensor(Tensor::from_vector<float>({static_cast<int64_t>(w.scale.size())}, w.scale));
    }
    if (bias_add) {
      // The layer now adds the bias: the BiasAdd's readers read the layer, and
      // the BiasAdd stays as an Identity for anyone asking for it by name.
      n->attrs["bias"] = AttrValue::of_tensor(bias);
      std::vector<std::string> b_inputs{name};
      for (auto& c : control_inputs(*bias_add)) b_inputs.push_back(c);
      bias_add->inputs = std::move(b_inputs);
      bias_add->op = "Identity";
      bias_add->attrs.erase("data_format");
      g_.replace_input(TensorRef{bias_add->name, 0}, TensorRef{name, 0});
    }
    report_.lowered.push_back(name);
    return Status::ok();
  }

  // One AmctQuantize per (input, factors): layers reading the same tensor with
  // the same factors share it.
  Expected<std::string> quantize_node(const ActMatch& a) {
    const auto key = std::make_tuple(a.x.str(), a.scale, a.inv_scale, a.offset);
    if (auto it = made_.find(key); it != made_.end()) return it->second;
    Node q;
    q.name = g_.unique_name(a.x.node + "/amct_quantize");
    q.op = kQuantizeOp;
    q.inputs = {a.x.str()};
    q.attrs["scale"] = AttrValue::of_float(a.scale);
    q.attrs["inv_scale"] = AttrValue::of_float(a.inv_scale);
    q.attrs["offset"] = AttrValue::of_int(a.offset);
    const std::string name = q.name;
    AMCT_RETURN_IF_ERROR(g_.add_node(std::move(q)));
    made_[key] = name;
    return name;
  }

  Graph& g_;
  const LowerOptions& opts_;
  LowerReport report_;
  std::map<std::tuple<std::string, float, float, int>, std::string> made_;
};

}  // namespace

Expected<LowerReport> lower_quantized(graph::Graph& g, const LowerOptions& opts) { return Lowerer(g, opts).run(); }

}  // namespace amct::runtime
