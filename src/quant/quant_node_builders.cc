#include "quant/quant_node_builders.h"

#include "quant/op_policy.h"

namespace amct::quant {

using graph::AttrValue;
using graph::Node;

Node make_const(const std::string& name, const graph::Tensor& value) {
  Node n;
  n.name = name;
  n.op = "Const";
  n.attrs["dtype"] = AttrValue::of_type(value.dtype());
  n.attrs["value"] = AttrValue::of_tensor(value);
  return n;
}

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

}  // namespace amct::quant
