// Topological order over data and control edges.
#pragma once

#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// Node indices in a stable topological order: among ready nodes the one that
// comes first in the graph goes first, so a sorted graph keeps its order.
// Edges out of NextIteration (TF loop back edges) are not ordering constraints.
// Fails on a missing input node or a cycle, naming a node on the cycle.
Expected<std::vector<size_t>> topo_order(const Graph& g);
// Reorders the graph's nodes to topo_order().
Status topo_sort(Graph& g);

}  // namespace amct::graph
