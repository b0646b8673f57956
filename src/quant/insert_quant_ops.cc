#include "quant/insert_quant_ops.h"

#include <cmath>
#include <limits>

#include "quant/quant_node_builders.h"

namespace amct::quant {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

float round_half_even(float x) { return std::nearbyint(x); }  // default FE_TONEAREST

// Shape of the scale constant so that it broadcasts over the weight tensor.
graph::Shape scale_shape(const graph::Shape& w, WeightLayout layout, size_t count) {
  if (count == 1) return {};
  switch (layout) {
    case WeightLayout::kDepthwise_HWCM: return {w[2], w[3]};
    case WeightLayout::kConv2DBackpropInput_HWOI: return {w[2], 1};
    default: return {static_cast<int64_t>(count)};
  }
}

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

Expected<std::vector<InsertedLayer>> insert_quant_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                      const record::Record& rec) {
  std::vector<InsertedLayer> out;
  for (const QuantizableLayer& layer : layers) {
    const record::LayerRecord* r = rec.find(layer.name);
    if (r == nullptr) continue;
    Node* node = g.find(layer.name);
    if (node == nullptr) return error("record key '{}': no such node in the graph", layer.name);
    if (!r->scale_d || !r->offset_d) return error("record key '{}': missing scale_d/offset_d", layer.name);
    const float scale_d = *r->scale_d;
    const int offset_d = *r->offset_d;
    InsertedLayer ins;
    ins.layer = layer.name;
    ins.op = layer.op;

    // Activation quant-dequant on the data input.
    const std::string aq = layer.name + "/act_quant/";
    const std::string in = node->inputs[static_cast<size_t>(layer.data_input_index)];
    std::vector<Node> act = {
        make_const(aq + "inv_scale", Tensor::scalar<float>(1.0f / scale_d)),
        make_op(aq + "mul", "Mul", {in, aq + "inv_scale"}),
        make_op(aq + "round", "Round", {aq + "mul"}),
        make_const(aq + "clip_min", Tensor::scalar<float>(static_cast<float>(-128 - offset_d))),
        make_const(aq + "clip_max", Tensor::scalar<float>(static_cast<float>(127 - offset_d))),
        make_op(aq + "clip", "ClipByValue", {aq + "round", aq + "clip_min", aq + "clip_max"}),
        make_const(aq + "scale", Tensor::scalar<float>(scale_d)),
        make_op(aq + "dequant", "Mul", {aq + "clip", aq + "scale"}),
    };
    node->inputs[static_cast<size_t>(layer.data_input_index)] = aq + "dequant";
    AMCT_RETURN_IF_ERROR(add_all(g, std::move(act), &ins.act_quant_nodes));

    if (layer.has_weights) {
      const std::vector<float>& scale_w = r->scale_w;
      AMCT_ASSIGN_OR_RETURN(QuantizedWeights q, quantize_layer_weights(g, layer, scale_w));
      const std::string wq = layer.name + "/weight_quant/";
      Tensor scales(DataType::kFloat, scale_shape(q.shape, layer.layout, scale_w.size()));
      for (size_t c = 0; c < scale_w.size(); ++c) scales.data<float>()[c] = scale_w[c];
      std::vector<Node> wn = {
          make_const(wq + "int8_weights", q.int8),
          make_cast(wq + "cast", wq + "int8_weights", DataType::kInt8),
          make_const(wq + "scale", scales),
          make_op(wq + "dequant", "Mul", {wq + "cast", wq + "scale"}),
      };
      ins.weight_node = layer.weight_node;
      node = g.find(layer.name);
      node->inputs[static_cast<size_t>(layer.weight_input_index)] = wq + "dequant";
      AMCT_RETURN_IF_ERROR(add_all(g, std::move(wn), &ins.weight_quant_nodes));

      if (Node* bias_add = find_bias_add(g, layer.name)) {
        AMCT_ASSIGN_OR_RETURN(Tensor bq, quantize_bias_int32(g, *bias_add, layer.name, scale_d, scale_w));
        const int64_t cout = bq.num_elements();
        Tensor deq(DataType::kFloat, {cout});
        for (int64_t c = 0; c < cout; ++c)
          deq.data<float>()[c] = scale_d * (scale_w.size() == 1 ? scale_w[0] : scale_w[static_cast<size_t>(c)]);
        const std::string bqn = layer.name + "/bias_quant/";
        std::vector<Node> bn = {
            make_const(bqn + "int32_bias", bq),
            make_cast(bqn + "cast", bqn + "int32_bias", DataType::kInt32),
            make_const(bqn + "deq_scale", deq),
            make_op(bqn + "dequant", "Mul", {bqn + "cast", bqn + "deq_scale"}),
        };
        ins.bias_add = bias_add->name;
        bias_add->inputs[1] = bqn + "dequant";
        AMCT_RETURN_IF_ERROR(add_all(g, std::move(bn), &ins.bias_quant_nodes));
      }
    }
    out.push_back(std::move(ins));
  }
  return out;
}

}  // namespace amct::quant
