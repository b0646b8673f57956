// The passes every imported graph goes through, in order.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// validate -> remove_identity -> fold_constants -> prune_dead -> topo_sort,
// keeping the nodes named in `outputs` ("node" or "node:k"). With no outputs,
// every sink node (read by nothing) counts as an output. BatchNorm folding is
// not part of it: it depends on the quantization config (fold_batch_norm.h).
Status run_import_pipeline(Graph& g, const std::vector<std::string>& outputs);

}  // namespace amct::graph
