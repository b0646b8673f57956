#include "quant/insert_quant_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "quant/quant_node_builders.h"

namespace amct::quant {
namespace {

using graph::DataType;
using graph::Node;
using graph::Tensor;

float round_half_even(float x) { return std::nearbyint(x); }  // default FE_TONEAREST

}  // namespace

int64_t weight_channel_of(const graph::Shape& s, WeightLayout layout, int64_t i) {
  switch (layout) {
    case WeightLayout::kConv2D_HWIO: return i % s[3];
    case WeightLayout::kDepthwise_HWCM: return i % (s[2] * s[3]);
    case WeightLayout::kConv2DBackpropInput_HWOI: return (i / s[3]) % s[2];
    case WeightLayout::kMatMul_IO: return i % s[1];
  }
  return 0;
}

Expected<Tensor> quantize_weights(const Tensor& w, WeightLayout layout, const std::vector<float>& scale_w) {
  const int64_t channels = weight_channel_count(w.shape(), layout);
  if (scale_w.size() != 1 && static_cast<int64_t>(scale_w.size()) != channels)
    return error("{} weight scales for {} output channels", scale_w.size(), channels);
  Tensor q(DataType::kInt8, w.shape());
  const float* src = w.data<float>();
  int8_t* dst = q.data<int8_t>();
  for (int64_t i = 0; i < w.num_elements(); ++i) {
    const float s = scale_w.size() == 1 ? scale_w[0] : scale_w[static_cast<size_t>(weight_channel_of(w.shape(), layout, i))];
    const float v = round_half_even(src[i] / s);
    dst[i] = static_cast<int8_t>(std::min(127.0f, std::max(-128.0f, v)));
  }
  return q;
}

namespace {

// Gives `node`'s name to `to` (a node not yet added) and renames `node` to
// `node/accumulator`: used when a graph output must keep naming the float value.
Status take_name(graph::Graph& g, const std::string& name, Node* to) {
  Node moved = *g.find(name);
  moved.name = g.unique_name(name + "/accumulator");
  const std::string new_name = moved.name;
  g.remove_nodes({name});
  AMCT_RETURN_IF_ERROR(g.add_node(std::move(moved)));
  for (auto& in : to->inputs)
    if (in == name) in = new_name;
  to->name = name;
  return Status::ok();
}

// Activation quantizer on the layer's data input: integers v (see header).
Status insert_act_quant(graph::Graph& g, const QuantizableLayer& layer, float scale_d, int offset_d,
                        InsertedLayer* ins) {
  Node* node = g.find(layer.name);
  const std::string aq = layer.name + "/act_quant/";
  const std::string in = node->inputs[static_cast<size_t>(layer.data_input_index)];
  std::vector<Node> act = {
      make_const(aq + "inv_scale", Tensor::scalar<float>(1.0f / scale_d)),
      make_op(aq + "mul", "Mul", {in, aq + "inv_scale"}),
      make_op(aq + "round", "Round", {aq + "mul"}),
      make_const(aq + "clip_min", Tensor::scalar<float>(static_cast<float>(-128 - offset_d))),
      make_const(aq + "clip_max", Tensor::scalar<float>(static_cast<float>(127 - offset_d))),
      make_op(aq + "clip", "ClipByValue", {aq + "round", aq + "clip_min", aq + "clip_max"}),
  };
  std::string quantized = aq + "clip";
  if (!layer.has_weights) {  // AvgPool averages the real values
    act.push_back(make_const(aq + "scale", Tensor::scalar<float>(scale_d)));
    act.push_back(make_op(aq + "dequant", "Mul", {aq + "clip", aq + "scale"}));
    quantized = aq + "dequant";
  }
  node->inputs[static_cast<size_t>(layer.data_input_index)] = quantized;
  return add_all(g, std::move(act), &ins->act_quant_nodes);
}

// max_c (max|v| * sum over the channel's taps of |w_q| + |bias_q[c]|), v in [lo, hi].
int64_t integer_sum_bound(const Tensor& wq, WeightLayout layout, const Tensor* bias_q, int64_t lo, int64_t hi) {
  std::vector<int64_t> taps(static_cast<size_t>(weight_channel_count(wq.shape(), layout)), 0);
  const int8_t* w = wq.data<int8_t>();
  for (int64_t i = 0; i < wq.num_elements(); ++i)
    taps[static_cast<size_t>(weight_channel_of(wq.shape(), layout, i))] += std::abs(static_cast<int64_t>(w[i]));
  const int64_t v = std::max(std::abs(lo), std::abs(hi));
  int64_t bound = 0;
  for (size_t c = 0; c < taps.size(); ++c) {
    int64_t b = v * taps[c];
    if (bias_q && static_cast<int64_t>(c) < bias_q->num_elements())
      b += std::abs(static_cast<int64_t>(bias_q->data<int32_t>()[c]));
    bound = std::max(bound, b);
  }
  return bound;
}

}  // namespace

Expected<std::vector<InsertedLayer>> insert_quant_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                      const record::Record& rec,
                                                      const std::set<std::string>& outputs) {
  std::vector<InsertedLayer> out;
  for (const QuantizableLayer& layer : layers) {
    const record::LayerRecord* r = rec.find(layer.name);
    if (r == nullptr) continue;
    if (g.find(layer.name) == nullptr) return error("record key '{}': no such node in the graph", layer.name);
    if (!r->scale_d || !r->offset_d) return error("record key '{}': missing scale_d/offset_d", layer.name);
    const float scale_d = *r->scale_d;
    InsertedLayer ins;
    ins.layer = layer.name;
    ins.op = layer.op;
    ins.float_output = layer.name;
    AMCT_RETURN_IF_ERROR(insert_act_quant(g, layer, scale_d, *r->offset_d, &ins));
    if (!layer.has_weights) {
      out.push_back(std::move(ins));
      continue;
    }

    // Integer weights: the layer sums integer products, exactly.
    const std::vector<float>& scale_w = r->scale_w;
    AMCT_ASSIGN_OR_RETURN(QuantizedWeights q, quantize_layer_weights(g, layer, scale_w));
    const std::string wq = layer.name + "/weight_quant/";
    std::vector<Node> wn = {make_const(wq + "int8_weights", q.int8),
                            make_cast(wq + "cast", wq + "int8_weights", DataType::kInt8)};
    ins.weight_node = layer.weight_node;
    g.find(layer.name)->inputs[static_cast<size_t>(layer.weight_input_index)] = wq + "cast";
    AMCT_RETURN_IF_ERROR(add_all(g, std::move(wn), &ins.weight_quant_nodes));

    // Bias on the accumulator grid, added to the integer sum.
    std::string tail = layer.name;
    Tensor bq;
    if (Node* bias_add = find_bias_add(g, layer.name)) {
      AMCT_ASSIGN_OR_RETURN(bq, quantize_bias_int32(g, *bias_add, layer.name, scale_d, scale_w));
      const std::string bqn = layer.name + "/bias_quant/";
      std::vector<Node> bn = {make_const(bqn + "int32_bias", bq),
                              make_cast(bqn + "cast", bqn + "int32_bias", DataType::kInt32)};
      ins.bias_add = bias_add->name;
      bias_add->inputs[1] = bqn + "cast";
      tail = bias_add->name;
      AMCT_RETURN_IF_ERROR(add_all(g, std::move(bn), &ins.bias_quant_nodes));
    }
    ins.integer_sum_bound = integer_sum_bound(q.int8, layer.layout, bq.empty() ? nullptr : &bq,
                                              -128 - *r->offset_d, 127 - *r->offset_d);

    // One multiply by scale_d * scale_w[c] turns the sum into the real value.
    const std::string dq = layer.name + "/dequant/";
    Tensor sw(DataType::kFloat, scale_w.size() == 1 ? graph::Shape{} : graph::Shape{static_cast<int64_t>(scale_w.size())});
    for (size_t c = 0; c < scale_w.size(); ++c) sw.data<float>()[c] = scale_w[c];
    Node mul = make_op(dq + "mul", "Mul", {tail, dq + "deq_scale"});
    std::vector<Node> dn = {make_const(dq + "scale_d", Tensor::scalar<float>(scale_d)), make_const(dq + "scale_w", sw),
                            make_op(dq + "deq_scale", "Mul", {dq + "scale_d", dq + "scale_w"})};
    if (outputs.count(tail)) {
      AMCT_RETURN_IF_ERROR(take_name(g, tail, &mul));
    } else {
      g.replace_input(graph::TensorRef{tail, 0}, graph::TensorRef{mul.name, 0});
    }
    ins.float_output = mul.name;
    dn.push_back(std::move(mul));
    AMCT_RETURN_IF_ERROR(add_all(g, std::move(dn), &ins.dequant_nodes));
    out.push_back(std::move(ins));
  }
  return out;
}

}  // namespace amct::quant
