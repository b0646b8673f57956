#include "graph/passes/dequantize_operands.h"

#include <optional>

namespace amct::graph {
namespace {

// The node behind `ref` (output 0), through Identity nodes.
Node* producer(Graph& g, TensorRef ref) {
  for (int hops = 0; hops < 64; ++hops) {
    if (ref.index != 0) return nullptr;
    Node* n = g.find(ref.node);
    if (n == nullptr || n->op != "Identity") return n;
    if (n->num_data_inputs() != 1) return nullptr;
    ref = n->data_input(0);
  }
  return nullptr;
}

std::optional<Tensor> const_of(Graph& g, const TensorRef& ref, DataType dtype) {
  const Node* n = producer(g, ref);
  if (n == nullptr || n->op != "Const") return std::nullopt;
  auto t = n->attr_tensor("value");
  if (!t.ok() || t->dtype() != dtype) return std::nullopt;
  return std::move(t).value();
}

// The Const of `dtype` behind a Cast(DstT float) at `ref`, if that is what it is.
std::optional<Tensor> cast_const(Graph& g, const TensorRef& ref, DataType dtype) {
  const Node* cast = producer(g, ref);
  if (cast == nullptr || cast->op != "Cast" || cast->num_data_inputs() != 1) return std::nullopt;
  auto dst = cast->attr_type("DstT");
  if (!dst.ok() || *dst != DataType::kFloat) return std::nullopt;
  return const_of(g, cast->data_input(0), dtype);
}

// The sole reader of `name`, if it reads output 0 as a data input.
Node* sole_reader(Graph& g, const std::string& name) {
  auto readers = g.consumers(name);
  if (readers.size() != 1) return nullptr;
  Node* r = readers[0];
  for (size_t i = 0; i < r->num_data_inputs(); ++i)
    if (r->data_input(i) == TensorRef{name, 0}) return r;
  return nullptr;
}

struct IntegerLayer {
  Node* layer = nullptr;
  size_t data_index = 0;
  Node* bias_add = nullptr;  // with a Cast(int32) bias, or null
  Node* dequant = nullptr;   // Mul(tail, deq_scale)
  float scale_d = 0;
  Tensor scale_w;            // float, scalar or [OC]
  int64_t channels = 0;      // output channels
  Shape scale_w_shape;       // how scale_w broadcasts over the int8 weights
};

// Output channels and the shape the weight scale broadcasts in over the int8
// weights, per layer type (TF layouts).
std::optional<std::pair<int64_t, Shape>> channel_layout(const std::string& op, const Shape& w) {
  if (op == "MatMul" && w.size() == 2) return std::make_pair(w[1], Shape{w[1]});
  if (w.size() != 4) return std::nullopt;
  if (op == "Conv2D") return std::make_pair(w[3], Shape{w[3]});
  if (op == "DepthwiseConv2dNative") return std::make_pair(w[2] * w[3], Shape{w[2], w[3]});
  if (op == "Conv2DBackpropInput") return std::make_pair(w[2], Shape{w[2], 1});
  return std::nullopt;
}

std::optional<IntegerLayer> match(Graph& g, Node& n) {
  const bool deconv = n.op == "Conv2DBackpropInput";
  if (!(n.op == "Conv2D" || n.op == "DepthwiseConv2dNative" || n.op == "MatMul" || deconv)) return std::nullopt;
  IntegerLayer m;
  m.layer = &n;
  m.data_index = deconv ? 2 : 0;
  if (n.num_data_inputs() <= m.data_index || n.num_data_inputs() < 2) return std::nullopt;
  const Node* clip = producer(g, n.data_input(m.data_index));
  if (clip == nullptr || clip->op != "ClipByValue") return std::nullopt;
  const std::optional<Tensor> weights = cast_const(g, n.data_input(1), DataType::kInt8);
  if (!weights) return std::nullopt;

  std::string tail = n.name;
  Node* next = sole_reader(g, tail);
  if (next != nullptr && next->op == "BiasAdd" && next->num_data_inputs() == 2 &&
      next->data_input(0) == TensorRef{tail, 0} && cast_const(g, next->data_input(1), DataType::kInt32)) {
    m.bias_add = next;
    tail = next->name;
    next = sole_reader(g, tail);
  }
  if (next == nullptr || next->op != "Mul" || next->num_data_inputs() != 2) return std::nullopt;
  const size_t side = next->data_input(0) == TensorRef{tail, 0} ? 1 : 0;
  if (!(next->data_input(1 - side) == TensorRef{tail, 0})) return std::nullopt;
  const Node* deq = producer(g, next->data_input(side));
  if (deq == nullptr || deq->op != "Mul" || deq->num_data_inputs() != 2) return std::nullopt;
  auto sd = const_of(g, deq->data_input(0), DataType::kFloat);
  auto sw = const_of(g, deq->data_input(1), DataType::kFloat);
  if (!sd || !sw || sd->num_elements() != 1) return std::nullopt;
  auto layout = channel_layout(n.op, weights->shape());
  if (!layout || !(sw->num_elements() == 1 || sw->shape() == Shape{layout->first})) return std::nullopt;
  m.channels = layout->first;
  m.scale_w_shape = layout->second;
  m.dequant = next;
  m.scale_d = sd->data<float>()[0];
  m.scale_w = *sw;
  return m;
}

Node mul_node(const std::string& name, const std::string& a, const std::string& b) {
  Node n;
  n.name = name;
  n.op = "Mul";
  n.inputs = {a, b};
  n.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  return n;
}

// Inserts `input` * Const(value) and returns the Mul's name.
Expected<std::string> scaled(Graph& g, const std::string& base, const std::string& input, const Tensor& value,
                             const char* scale_name = "scale") {
  const std::string c = g.unique_name(base + scale_name);
  AMCT_RETURN_IF_ERROR(g.add_node(make_const_node(c, value)));
  const std::string m = g.unique_name(base + "dequant");
  AMCT_RETURN_IF_ERROR(g.add_node(mul_node(m, input, c)));
  return m;
}

Status rewrite(Graph& g, IntegerLayer& m) {
  const std::string name = m.layer->name;
  const int64_t oc = m.channels;
  const float* sw = m.scale_w.data<float>();
  const bool per_tensor = m.scale_w.num_elements() == 1;

  const std::string clip = m.layer->inputs[m.data_index];
  AMCT_ASSIGN_OR_RETURN(std::string act, scaled(g, name + "/act_quant/", clip, Tensor::scalar<float>(m.scale_d)));
  Tensor wscale = per_tensor ? Tensor::scalar<float>(sw[0]) : m.scale_w.reshaped(m.scale_w_shape);
  const std::string cast = g.find(name)->inputs[1];
  AMCT_ASSIGN_OR_RETURN(std::string w, scaled(g, name + "/weight_quant/", cast, wscale));
  Node* layer = g.find(name);
  layer->inputs[m.data_index] = act;
  layer->inputs[1] = w;

  std::string tail = name;
  if (m.bias_add != nullptr) {
    Tensor deq(DataType::kFloat, {oc});
    for (int64_t c = 0; c < oc; ++c) deq.data<float>()[c] = m.scale_d * sw[per_tensor ? 0 : c];
    const std::string bname = m.bias_add->name;
    AMCT_ASSIGN_OR_RETURN(std::string b, scaled(g, name + "/bias_quant/", g.find(bname)->inputs[1], deq, "deq_scale"));
    g.find(bname)->inputs[1] = b;
    tail = bname;
  }
  Node* dq = g.find(m.dequant->name);
  std::vector<std::string> inputs{tail};
  for (size_t i = dq->num_data_inputs(); i < dq->inputs.size(); ++i) inputs.push_back(dq->inputs[i]);
  dq->op = "Identity";
  dq->inputs = std::move(inputs);
  dq->attrs.clear();
  dq->attrs["T"] = AttrValue::of_type(DataType::kFloat);
  return Status::ok();
}

}  // namespace

Expected<DequantizeOperandsResult> dequantize_operands(Graph& g,
                                                       const std::function<bool(const std::string& layer)>& select) {
  std::vector<std::string> layers;
  for (size_t i = 0; i < g.size(); ++i) layers.push_back(g.node(i).name);
  DequantizeOperandsResult out;
  for (const std::string& name : layers) {
    Node* n = g.find(name);
    if (n == nullptr) continue;
    auto m = match(g, *n);
    if (!m) continue;
    if (select && !select(name)) {
      out.not_selected.push_back(name);
      continue;
    }
    AMCT_RETURN_IF_ERROR(rewrite(g, *m).with_context("layer '" + name + "'"));
    out.rewritten.push_back(name);
  }
  return out;
}

}  // namespace amct::graph
