// ONNX export of a TF-style (NHWC) amct graph: float ops as their ONNX
// equivalents in NCHW, amct's quantize-dequantize chains as QDQ
// (QuantizeLinear/DequantizeLinear). The mapping is in docs/ONNX_EXPORT.md.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::onnx_export {

struct ExportOptions {
  int opset = 13;                    // 13..17
  std::vector<std::string> outputs;  // TF node names ("n" or "n:0"); empty = every node nobody reads
  // Where ONNX Runtime will not fuse a quantized layer into its integer
  // kernels, write it so that ORT's float ops round as amct does (exact_forms.h);
  // false: textbook Q/DQ pairs everywhere (equal in exact arithmetic).
  bool exact_rounding = true;
};

// The model, checked by onnx::checker and strict ONNX shape inference. Only
// what the outputs depend on is exported; graph outputs keep their TF names.
Expected<onnx::ModelProto> build_onnx_model(const graph::Graph& g, const ExportOptions& opts);

// build_onnx_model + an atomic write to `path` (errors start with the path).
Status export_onnx(const graph::Graph& g, const std::string& path, const ExportOptions& opts);

}  // namespace amct::onnx_export
