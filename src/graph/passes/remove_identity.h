// Bypasses pass-through nodes (Identity, Snapshot, StopGradient,
// PreventGradient): consumers read the node's input directly.
#pragma once

#include <set>
#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// Nodes named in `keep` (graph outputs) stay; so do Placeholders and every
// other op. A bypassed node's control inputs move to its consumers, and
// "^identity" control edges become edges on the node it forwarded.
Status remove_identity(Graph& g, const std::set<std::string>& keep);

// True for the ops remove_identity bypasses.
bool is_identity_like(const std::string& op);

}  // namespace amct::graph
