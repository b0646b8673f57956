#include "quant/op_policy.h"

namespace amct::quant {

bool is_quantizable_op(const std::string& op) {
  return op == "Conv2D" || op == "DepthwiseConv2dNative" || op == "Conv2DBackpropInput" ||
         op == "MatMul" || op == "AvgPool";
}

const graph::Node* resolve_through_identity(const graph::Graph& g, graph::TensorRef ref) {
  for (int hops = 0; hops < 64; ++hops) {
    const graph::Node* n = g.find(ref.node);
    if (n == nullptr) return nullptr;
    if (n->op != "Identity" || n->num_data_inputs() == 0) return n;
    ref = n->data_input(0);
  }
  return nullptr;
}

namespace {

bool dilations_are_one(const graph::Node& n) {
  const graph::AttrValue* d = n.attr("dilations");
  if (d == nullptr) return true;
  for (int64_t v : d->list.i)
    if (v != 1) return false;
  return true;
}

// Fills the weight fields; returns a reason when the weights are not a usable Const.
std::string bind_weights(const graph::Graph& g, const graph::Node& n, int index, int rank, bool through_fake_quant,
                         QuantizableLayer* layer) {
  if (n.num_data_inputs() <= static_cast<size_t>(index)) return "missing weight input";
  const graph::Node* w = resolve_through_identity(g, n.data_input(static_cast<size_t>(index)));
  if (through_fake_quant && w != nullptr && w->num_data_inputs() > 0 &&
      (w->op == "FakeQuantWithMinMaxVars" || w->op == "FakeQuantWithMinMaxVarsPerChannel"))
    w = resolve_through_identity(g, w->data_input(0));
  if (w == nullptr || w->op != "Const") return "weights are not a Const (AMCT needs constant weights)";
  const graph::AttrValue* v = w->attr("value");
  if (v == nullptr || v->kind != graph::AttrValue::Kind::kTensor) return "weight Const has no value";
  if (v->tensor.dtype() != graph::DataType::kFloat) return "weights are not float32";
  if (v->tensor.rank() != rank) return "weights have rank " + std::to_string(v->tensor.rank());
  layer->has_weights = true;
  layer->weight_input_index = index;
  layer->weight_node = w->name;
  return "";
}

std::vector<QuantizableLayer> find_layers(const graph::Graph& g, std::vector<std::string>* skipped,
                                          bool through_fake_quant) {
  std::vector<QuantizableLayer> out;
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    if (!is_quantizable_op(n.op)) continue;
    QuantizableLayer layer;
    layer.name = n.name;
    layer.op = n.op;
    std::string reason;
    if (n.attr_string_or("data_format", "NHWC") != "NHWC") {
      reason = "data_format " + n.attr_string_or("data_format", "") + " is not supported";
    } else if (n.op == "Conv2D") {
      layer.layout = WeightLayout::kConv2D_HWIO;
      layer.channel_wise_allowed = true;
      reason = bind_weights(g, n, 1, 4, through_fake_quant, &layer);
    } else if (n.op == "DepthwiseConv2dNative") {
      layer.layout = WeightLayout::kDepthwise_HWCM;
      layer.channel_wise_allowed = true;
      reason = bind_weights(g, n, 1, 4, through_fake_quant, &layer);
    } else if (n.op == "Conv2DBackpropInput") {
      layer.layout = WeightLayout::kConv2DBackpropInput_HWOI;
      layer.channel_wise_allowed = true;
      layer.data_input_index = 2;
      if (!dilations_are_one(n)) reason = "dilation must be 1";
      else reason = bind_weights(g, n, 1, 4, through_fake_quant, &layer);
    } else if (n.op == "MatMul") {
      layer.layout = WeightLayout::kMatMul_IO;
      if (n.attr_bool_or("transpose_a", false) || n.attr_bool_or("transpose_b", false))
        reason = "transpose_a/transpose_b must be false";
      else reason = bind_weights(g, n, 1, 2, through_fake_quant, &layer);
    } else if (n.op == "AvgPool") {
      layer.has_weights = false;
    }
    if (reason.empty() && n.num_data_inputs() <= static_cast<size_t>(layer.data_input_index))
      reason = "missing data input";
    if (!reason.empty()) {
      if (skipped) skipped->push_back(n.name + ": " + reason);
      continue;
    }
    layer.data_input = n.data_input(static_cast<size_t>(layer.data_input_index));
    out.push_back(std::move(layer));
  }
  return out;
}

}  // namespace

std::vector<QuantizableLayer> find_quantizable_layers(const graph::Graph& g, std::vector<std::string>* skipped) {
  return find_layers(g, skipped, false);
}

std::vector<QuantizableLayer> find_quantizable_layers_through_fake_quant(const graph::Graph& g) {
  return find_layers(g, nullptr, true);
}

}  // namespace amct::quant
