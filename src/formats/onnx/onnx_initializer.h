// ONNX TensorProto (initializers, Constant values) -> graph::Tensor. Every dim
// and byte count is checked against the data the file actually holds before
// anything is allocated.
#pragma once

#include <onnx/onnx_pb.h>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::onnx_import {

// The amct dtype of an ONNX TensorProto.DataType, or an error naming it.
Expected<graph::DataType> dtype_from_onnx(int32_t onnx_type);

// Reads dims, then raw_data (little-endian, exactly n * element size bytes)
// or the typed field of the data type (float_data, int32_data for int32/int16/
// int8/uint8/bool with range checks, int64_data, double_data). External data,
// segments and strings are errors.
Expected<graph::Tensor> tensor_from_onnx(const onnx::TensorProto& t);

}  // namespace amct::onnx_import
