// Recognizes amct's quantized layers in a TF graph (docs/QUANTIZED_MODEL.md)
// by their ops and constants, and rewrites each into one INT8 node. Layers in
// the integer form amct writes are first rewritten by
// graph::dequantize_operands into the form below (that of earlier amct models):
//
//   x -> Mul(inv_scale) -> Round -> ClipByValue(-128-off, 127-off) -> Mul(scale)   act_quant
//   Const int8 -> Cast -> Mul(scale_w)                                            weight_quant
//   L -> BiasAdd(Const int32 -> Cast -> Mul(scale * scale_w[c]))                  bias_quant
//
// becomes  x -> AmctQuantize -> AmctQConv2D (weights, scales and int32 bias as
// attributes) and the BiasAdd an Identity of it. Ops: AmctQConv2D,
// AmctQDepthwiseConv2dNative, AmctQMatMul, AmctQAvgPool (act_quant only).
// Anything that does not match exactly stays as it is and runs in float (the
// fake-quant simulation). Run it on the graph as read, BEFORE the import
// pipeline: constant folding turns the int8 weight chains into float Consts.
//
//   AMCT_ASSIGN_OR_RETURN(graph::Graph g, tf::read_graphdef(path));
//   AMCT_ASSIGN_OR_RETURN(LowerReport r, lower_quantized(g));
//   AMCT_RETURN_IF_ERROR(graph::run_import_pipeline(g, outputs));
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::runtime {

struct LowerOptions {
  // Which recognized layers (compute node names) to lower; null = all. The
  // others keep their fake-quant simulation (for per-layer INT8/fp32 choices).
  std::function<bool(const std::string& layer)> select;
};

struct LowerReport {
  std::vector<std::string> lowered;     // layers now running INT8, graph order
  std::vector<std::string> not_selected;  // recognized, left to the simulation by `select`
  // Layers that have an act_quant chain but do not match the pattern: "name: reason".
  std::vector<std::string> unmatched;
  size_t recognized() const { return lowered.size() + not_selected.size(); }
};

Expected<LowerReport> lower_quantized(graph::Graph& g, const LowerOptions& opts = {});

// Op type names of the lowered nodes.
inline constexpr const char* kQuantizeOp = "AmctQuantize";
inline constexpr const char* kQConvOp = "AmctQConv2D";
inline constexpr const char* kQDepthwiseOp = "AmctQDepthwiseConv2dNative";
inline constexpr const char* kQMatMulOp = "AmctQMatMul";
inline constexpr const char* kQAvgPoolOp = "AmctQAvgPool";

}  // namespace amct::runtime
