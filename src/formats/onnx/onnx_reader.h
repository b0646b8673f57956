// Reads an ONNX model into amct's graph IR, with TF ops and semantics, so the
// rest of amct (import pipeline, runtime, calibration) treats it like a
// frozen GraphDef. See docs/ONNX_IMPORT.md for the op mapping.
//
// * Graph inputs become Placeholders (-1 for symbolic dims). A rank-4 input
//   read only by NCHW ops (Conv, pools, BatchNormalization) becomes an NHWC
//   Placeholder followed by a Transpose, so amct feeds NHWC images.
// * Initializers and Constants become Const nodes (lazily, when read as is).
// * NCHW ops run as their NHWC TF op between layout Transposes; conv weights
//   are converted to HWIO / [KH,KW,C,M]. graph::sink_transposes then removes
//   the Transposes that cancel, so an NHWC-exported model is NHWC end to end.
// * IR node names are the ONNX tensor names (':' -> '_'); a Conv keeps its
//   node's name and its bias add the output tensor's name.
// Errors read "model.onnx: node 'name' (OpType): reason".
#pragma once

#include <string>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::onnx_import {

Expected<graph::Graph> read_onnx(const std::string& path);
// `source_name` prefixes error messages (a path, or e.g. "<memory>").
Expected<graph::Graph> parse_onnx(const std::string& bytes, const std::string& source_name);

// True when `bytes` starts like a serialized ModelProto (field 1 ir_version
// varint, as every exporter writes it first).
bool looks_like_onnx(const std::string& bytes);

}  // namespace amct::onnx_import
