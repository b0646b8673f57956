// The ONNX op converters: one function per ONNX op type, each adding the IR
// nodes (TF ops and semantics) for one NodeProto and defining its outputs.
// Errors carry no prefix; the reader adds "file: node 'x' (Op): ".
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "formats/onnx/onnx_import_context.h"

namespace amct::onnx_import {

using Converter = Status (*)(ImportContext& ctx, const onnx::NodeProto& node);
using ConverterList = std::vector<std::pair<const char*, Converter>>;

// Conv, pooling, BatchNormalization, Gemm, MatMul (onnx_import_nn.cc).
const ConverterList& nn_converters();
// Elementwise, shape and layout ops, Constant (onnx_import_basic.cc).
const ConverterList& basic_converters();

// nullptr when amct cannot import `op_type`.
Converter find_converter(const std::string& op_type);

}  // namespace amct::onnx_import
