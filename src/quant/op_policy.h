// Which nodes amct quantizes (SPEC B §5): Conv2D, DepthwiseConv2dNative,
// Conv2DBackpropInput, MatMul (weights + activations) and AvgPool
// (activations only), each under AMCT's constraints.
#pragma once

#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/weights/arq.h"

namespace amct::quant {

struct QuantizableLayer {
  std::string name;             // the compute node; also the record / config key
  std::string op;
  graph::TensorRef data_input;  // the activation that gets quantized
  int data_input_index = 0;     // which input slot of the node it is
  bool has_weights = false;
  int weight_input_index = 1;
  std::string weight_node;      // the Const holding the float weights
  WeightLayout layout = WeightLayout::kConv2D_HWIO;
  bool channel_wise_allowed = false;
};

// Layers in graph order. `skipped` (optional) receives "name: reason" for
// candidates that break a constraint.
std::vector<QuantizableLayer> find_quantizable_layers(const graph::Graph& g,
                                                      std::vector<std::string>* skipped = nullptr);
// The same for a QAT graph: weights may reach the layer through a
// FakeQuantWithMinMaxVars(/PerChannel) node; weight_node is the Const behind it.
std::vector<QuantizableLayer> find_quantizable_layers_through_fake_quant(const graph::Graph& g);
bool is_quantizable_op(const std::string& op);
// Follows Identity nodes from `ref` to the producing node.
const graph::Node* resolve_through_identity(const graph::Graph& g, graph::TensorRef ref);

}  // namespace amct::quant
