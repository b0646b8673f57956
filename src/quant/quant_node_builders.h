// Graph nodes both quantized forms insert (standard TF, insert_quant_ops.h, and
// Ascend, insert_ascend_ops.h): constants, float ops, and the BiasAdd a layer
// feeds.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

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

}  // namespace amct::quant
