// graph::Tensor -> ONNX TensorProto, dtype mapping, and the small tensor
// rearrangements the ONNX export needs (HWIO -> OIHW, NHWC -> NCHW broadcast).
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::onnx_export {

// ONNX TensorProto.DataType of an amct dtype; an error for dtypes ONNX has no
// equivalent for (string, TF's quantized qint* types).
Expected<int32_t> onnx_dtype(graph::DataType t);

// Fills `out` (name, dims, data_type, raw_data little-endian).
Status tensor_to_onnx(const graph::Tensor& t, const std::string& name, onnx::TensorProto* out);

// out[i0..in] = in[i_perm[0]..]: out.shape[k] = in.shape[perm[k]] (numpy transpose).
Expected<graph::Tensor> permute(const graph::Tensor& in, const std::vector<int>& perm);

// A constant operand of a broadcasting op rewritten for the NCHW twin of an
// NHWC tensor: rank < 4 gets leading 1s, then axes (0,3,1,2). Scalars stay.
Expected<graph::Tensor> broadcast_const_to_nchw(const graph::Tensor& t);

}  // namespace amct::onnx_export
