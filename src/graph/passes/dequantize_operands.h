// Rewrites layers of amct's integer quantized form (quant/insert_quant_ops.h:
// the layer sums integers, one Mul(scale_d * scale_w[c]) after it) into the
// equivalent dequantized-operand form, where the layer reads real values:
//   Clip -> Mul(scale_d) -> layer;  Cast(int8) -> Mul(scale_w) -> layer;
//   Cast(int32 bias) -> Mul(scale_d * scale_w[c]) -> BiasAdd;  the dequant Mul -> Identity.
// The two are equal in exact arithmetic. The INT8 lowering and the ONNX QDQ
// export read the second form (the factors sit next to the operands they
// scale), so they run this first; models saved in that form by earlier amct
// versions need no rewrite.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::graph {

struct DequantizeOperandsResult {
  std::vector<std::string> rewritten;     // layers now in the dequantized-operand form
  std::vector<std::string> not_selected;  // integer-form layers `select` declined
};

// `select` (null = all) picks which recognized layers to rewrite.
Expected<DequantizeOperandsResult> dequantize_operands(
    Graph& g, const std::function<bool(const std::string& layer)>& select = nullptr);

}  // namespace amct::graph
