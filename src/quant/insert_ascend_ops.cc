#include "quant/insert_ascend_ops.h"

#include <cmath>
#include <cstring>

#include "quant/quant_node_builders.h"

namespace amct::quant {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

// AscendDequant's ksize: the spatial window of the layer ([1, 1] for MatMul).
std::vector<int64_t> layer_ksize(const Node& n, const QuantizableLayer& layer, const graph::Shape& w) {
  if (n.op == "AvgPool") {
    const AttrValue* k = n.attr("ksize");
    if (k != nullptr && k->list.i.size() == 4) return {k->list.i[1], k->list.i[2]};
    return {1, 1};
  }
  if (layer.has_weights && w.size() == 4) return {w[0], w[1]};
  return {1, 1};
}

}  // namespace

uint64_t pack_deq_scale(float deq, uint32_t shift_bit, int8_t offset_w) {
  uint32_t bits = 0;
  std::memcpy(&bits, &deq, sizeof bits);
  return static_cast<uint64_t>(bits) | (static_cast<uint64_t>(shift_bit & 0xffu) << 32) |
         (static_cast<uint64_t>(static_cast<uint8_t>(offset_w)) << 40);
}

Expected<std::vector<InsertedLayer>> insert_ascend_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                       const record::Record& rec) {
  std::vector<InsertedLayer> out;
  for (const QuantizableLayer& layer : layers) {
    const record::LayerRecord* r = rec.find(layer.name);
    if (r == nullptr) continue;
    Node* node = g.find(layer.name);
    if (node == nullptr) return error("record key '{}': no such node in the graph", layer.name);
    if (!r->scale_d || !r->offset_d) return error("record key '{}': missing scale_d/offset_d", layer.name);
    const float scale_d = *r->scale_d;
    InsertedLayer ins;
    ins.layer = layer.name;
    ins.op = layer.op;

    // Activation: AscendQuant on the data input.
    const std::string aq = layer.name + "/act_quant/AscendQuant";
    Node quant = make_op(aq, "AscendQuant", {node->inputs[static_cast<size_t>(layer.data_input_index)]});
    quant.attrs["scale"] = AttrValue::of_float(1.0f / scale_d);
    quant.attrs["offset"] = AttrValue::of_float(static_cast<float>(*r->offset_d));
    quant.attrs["quant_bits"] = AttrValue::of_int(8);
    quant.attrs["dst_type"] = AttrValue::of_string("INT8");
    node->inputs[static_cast<size_t>(layer.data_input_index)] = aq;
    AMCT_RETURN_IF_ERROR(add_all(g, {quant}, &ins.act_quant_nodes));

    // Weights: int8 Const + AscendWeightQuant; deq_scale per output channel.
    std::vector<float> scale_w = layer.has_weights ? r->scale_w : std::vector<float>{1.0f};
    graph::Shape wshape;
    if (layer.has_weights) {
      AMCT_ASSIGN_OR_RETURN(QuantizedWeights q, quantize_layer_weights(g, layer, scale_w));
      wshape = q.shape;
      const std::string wq = layer.name + "/weight_quant/";
      Tensor offset_w(DataType::kInt8, {static_cast<int64_t>(scale_w.size())});
      for (size_t c = 0; c < scale_w.size(); ++c)
        offset_w.data<int8_t>()[c] = static_cast<int8_t>(c < r->offset_w.size() ? r->offset_w[c] : 0);
      Node wquant = make_op(wq + "AscendWeightQuant", "AscendWeightQuant", {wq + "int8_weights", wq + "offset_w"});
      wquant.attrs["dst_type"] = AttrValue::of_string("INT8");
      node = g.find(layer.name);
      node->inputs[static_cast<size_t>(layer.weight_input_index)] = wq + "AscendWeightQuant";
      ins.weight_node = layer.weight_node;
      AMCT_RETURN_IF_ERROR(add_all(g, {make_const(wq + "int8_weights", q.int8), make_const(wq + "offset_w", offset_w),
                                       wquant},
                                   &ins.weight_quant_nodes));
    }

    // Bias in the int32 domain of the accumulator.
    std::string dequant_input = layer.name;
    if (Node* bias_add = layer.has_weights ? find_bias_add(g, layer.name) : nullptr) {
      AMCT_ASSIGN_OR_RETURN(Tensor bq, quantize_bias_int32(g, *bias_add, layer.name, scale_d, scale_w));
      const std::string bqn = layer.name + "/bias_quant/";
      Node cast = make_cast(bqn + "cast", bqn + "int32_bias", DataType::kInt32);
      ins.bias_add = bias_add->name;
      bias_add->inputs[1] = bqn + "cast";
      dequant_input = bias_add->name;
      AMCT_RETURN_IF_ERROR(add_all(g, {make_const(bqn + "int32_bias", bq), cast}, &ins.bias_quant_nodes));
    }

    // AscendDequant after the layer (or its BiasAdd): every reader now reads it.
    const std::string dq = layer.name + "/dequant/";
    std::vector<uint32_t> shift = r->shift_bit;
    Tensor deq(DataType::kUInt64, {static_cast<int64_t>(scale_w.size())});
    for (size_t c = 0; c < scale_w.size(); ++c) {
      const float d = scale_d * scale_w[c];
      const uint32_t n = c < shift.size() ? shift[c] : (shift.size() == 1 ? shift[0] : 0u);
      const int8_t ow = static_cast<int8_t>(c < r->offset_w.size() ? r->offset_w[c] : 0);
      deq.data<uint64_t>()[c] = pack_deq_scale(d, n, ow);
    }
    Node dequant = make_op(dq + "AscendDequant", "AscendDequant", {dequant_input, dq + "deq_scale"});
    dequant.attrs["ksize"] = AttrValue::of_ints(layer_ksize(*g.find(layer.name), layer, wshape));
    dequant.attrs["data_format"] = AttrValue::of_string("NHWC");
    g.replace_input(graph::TensorRef{dequant_input, 0}, graph::TensorRef{dq + "AscendDequant", 0});
    AMCT_RETURN_IF_ERROR(add_all(g, {make_const(dq + "deq_scale", deq), dequant}, &ins.act_quant_nodes));
    out.push_back(std::move(ins));
  }
  return out;
}

}  // namespace amct::quant
