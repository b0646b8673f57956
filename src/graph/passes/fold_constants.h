// Replaces nodes whose data inputs are all Const by a Const of the same name
// holding their value: shape arithmetic (Shape of a Const, Pack, StridedSlice,
// Cast, ConcatV2, Reshape, Squeeze, ExpandDims, Fill, Range, Prod, Sum,
// Identity) and elementwise math (Add/AddV2/Sub/Mul/RealDiv/Maximum/Minimum
// with broadcasting, Rsqrt, Sqrt), so a BatchNorm written as Sub/Rsqrt/Mul/Add
// on constants becomes Consts.
#pragma once

#include <set>
#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// Nodes in `keep` are neither folded nor removed. Consts that only fed folded
// nodes are removed. A folded node keeps its name, device and control inputs.
// Fails (naming the node) when constant inputs are invalid for the op.
Status fold_constants(Graph& g, const std::set<std::string>& keep);

}  // namespace amct::graph
