// Graph nodes both quantized forms insert (standard TF, insert_quant_ops.h, and
// Ascend, insert_ascend_ops.h): constants, float ops, and the BiasAdd a layer
// feeds.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "quant/op_policy.h"

namespace amct::quant {

graph::Node make_const(const std::string& name, const graph::Tensor& value);
// An op with attr T (default float).
graph::Node make_op(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                    graph::DataType t = graph::DataType::kFloat);
// Cast of `input` from `from` to float (Truncate false).
graph::Node make_cast(const std::string& name, const std::string& input, graph::DataType from);
// Adds the nodes to `g`, their names to `names`.
Status add_all(graph::Graph& g, std::vector<graph::Node> nodes, std::vector<std::string>* names);
// The single BiasAdd that reads `layer` with a Const bias, if any.
graph::Node* find_bias_add(graph::Graph& g, const std::string& layer);

// A layer's float weights (read from its weight node) quantized to int8 on
// the record's scale_w; errors name the record key.
struct QuantizedWeights {
  graph::Tensor int8;
  graph::Shape shape;  // of the float weights
};
Expected<QuantizedWeights> quantize_layer_weights(const graph::Graph& g, const QuantizableLayer& layer,
                                                  const std::vector<float>& scale_w);
// The float bias read by `bias_add` as int32 in the accumulator's domain:
// round(b[c] / (scale_d * scale_w[c])), scale_w of size 1 or one per channel.
Expected<graph::Tensor> quantize_bias_int32(const graph::Graph& g, const graph::Node& bias_add,
                                            const std::string& layer, float scale_d,
                                            const std::vector<float>& scale_w);

}  // namespace amct::quant
