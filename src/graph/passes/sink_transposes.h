// Removes the layout Transposes an NCHW import puts around every NCHW-only
// op (formats/onnx/onnx_reader.h), so the graph runs NHWC end to end:
//  * Transpose(Transpose(x)) becomes one Transpose, or x when they cancel;
//  * a Transpose is moved below an elementwise op (unary, or binary with the
//    other input transposed alike or a constant, which is permuted) and below
//    Mean and ConcatV2 (the axes remapped), until it meets its inverse;
//  * a Transpose that only moves size-1 axes becomes a Reshape;
//  * Transpose -> Reshape [N, K] -> MatMul with a constant [K, M] becomes
//    Reshape -> MatMul with the constant's rows permuted (a flatten before a
//    fully connected layer).
// amct's runtime has no Transpose kernel: what is left makes the plan fail
// with "op not supported", naming the node.
#pragma once

#include <map>
#include <set>
#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

// Output-0 shapes known at import, by node name (-1 = unknown dim; absent =
// unknown rank). The pass keeps them up to date for the nodes it changes.
using StaticShapes = std::map<std::string, Shape>;

// Nodes named in `keep` keep their name and value.
Status sink_transposes(Graph& g, const std::set<std::string>& keep, StaticShapes* shapes);

}  // namespace amct::graph
