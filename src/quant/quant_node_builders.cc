#include "quant/quant_node_builders.h"

#include <cmath>

#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"

namespace amct::quant {

using graph::AttrValue;
using graph::Node;

Node make_const(const std::string& name, const graph::Tensor& value) { return graph::make_const_node(name, value); }

Node make_op(const std::string& name, const std::string& op, std::vector<std::string> inputs, graph::DataType t) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs["T"] = AttrValue::of_type(t);
  return n;
}

Node make_cast(const std::string& name, const std::string& input, graph::DataType from) {
  Node n;
  n.name = name;
  n.op = "Cast";
  n.inputs = {input};
  n.attrs["SrcT"] = AttrValue::of_type(from);
  n.attrs["DstT"] = AttrValue::of_type(graph::DataType::kFloat);
  n.attrs["Truncate"] = AttrValue::of_bool(false);
  return n;
}

Status add_all(graph::Graph& g, std::vector<Node> nodes, std::vector<std::string>* names) {
  for (auto& n : nodes) {
    names->push_back(n.name);
    AMCT_RETURN_IF_ERROR(g.add_node(std::move(n)));
  }
  return Status::ok();
}

Node* find_bias_add(graph::Graph& g, const std::string& layer) {
  auto consumers = g.consumers(layer);
  if (consumers.size() != 1 || consumers[0]->op != "BiasAdd" || consumers[0]->num_data_inputs() < 2) return nullptr;
  if (consumers[0]->data_input(0).node != layer) return nullptr;
  const Node* b = resolve_through_identity(g, consumers[0]->data_input(1));
  if (b == nullptr || b->op != "Const") return nullptr;
  return consumers[0];
}

Expected<QuantizedWeights> quantize_layer_weights(const graph::Graph& g, const QuantizableLayer& layer,
                                                  const std::vector<float>& scale_w) {
  const Node* wnode = g.find(layer.weight_node);
  if (wnode == nullptr) return error("layer '{}': weight node '{}' is missing", layer.name, layer.weight_node);
  AMCT_ASSIGN_OR_RETURN(graph::Tensor w, wnode->attr_tensor("value"));
  if (scale_w.empty()) return error("record key '{}': missing scale_w for a layer with weights", layer.name);
  auto q = quantize_weights(w, layer.layout, scale_w);
  if (!q.ok()) return q.status().with_context("record key '" + layer.name + "'");
  return QuantizedWeights{std::move(q).value(), w.shape()};
}

Expected<graph::Tensor> quantize_bias_int32(const graph::Graph& g, const Node& bias_add, const std::string& layer,
                                            float scale_d, const std::vector<float>& scale_w) {
  const Node* bnode = resolve_through_identity(g, bias_add.data_input(1));
  AMCT_ASSIGN_OR_RETURN(graph::Tensor b, bnode->attr_tensor("value"));
  const int64_t cout = b.num_elements();
  if (b.dtype() != graph::DataType::kFloat || (scale_w.size() != 1 && static_cast<int64_t>(scale_w.size()) != cout))
    return error("layer '{}': bias {} does not match {} weight scales", layer, graph::shape_str(b.shape()),
                 scale_w.size());
  graph::Tensor bq(graph::DataType::kInt32, {cout});
  for (int64_t c = 0; c < cout; ++c) {
    const float d = scale_d * (scale_w.size() == 1 ? scale_w[0] : scale_w[static_cast<size_t>(c)]);
    const double v = std::nearbyint(static_cast<double>(b.data<float>()[c]) / d);
    if (!(std::fabs(v) <= 2147483647.0))
      return error("layer '{}': bias of channel {} overflows int32 at scale {}", layer, c, d);
    bq.data<int32_t>()[c] = static_cast<int32_t>(v);
  }
  return bq;
}

}  // namespace amct::quant
