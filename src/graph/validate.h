// The one structural check after import; later passes and kernels rely on it.
#pragma once

#include <optional>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// Every node has a name and an op; every input parses ("node", "node:k",
// "^node"), control inputs come last, and names an existing node with an output
// index below that op's output count (where amct knows it); there is no cycle
// over data and control edges (TF's NextIteration back edges excepted); Const
// nodes have no data inputs, a 'dtype' type attr and a 'value' tensor of that dtype.
// Errors name the node: "node 'add' (AddV2): input 1 'x:2': node 'x' (Relu) has 1 output".
Status validate(const Graph& g);

// How many outputs a node has, for ops amct knows; nullopt otherwise.
std::optional<int> known_num_outputs(const Node& n);

}  // namespace amct::graph
