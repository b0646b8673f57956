// Drops every node the requested outputs do not depend on.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// `outputs` are "node" or "node:k"; each must name a node of the graph.
// Ancestors over data and control edges are kept.
Status prune_dead(Graph& g, const std::vector<std::string>& outputs);

}  // namespace amct::graph
