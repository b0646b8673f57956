#include "formats/onnx/onnx_tensor.h"

#include <cstring>

namespace amct::onnx_export {

Expected<int32_t> onnx_dtype(graph::DataType t) {
  using graph::DataType;
  switch (t) {
    case DataType::kFloat: return onnx::TensorProto::FLOAT;
    case DataType::kDouble: return onnx::TensorProto::DOUBLE;
    case DataType::kHalf: return onnx::TensorProto::FLOAT16;
    case DataType::kInt8: return onnx::TensorProto::INT8;
    case DataType::kUInt8: return onnx::TensorProto::UINT8;
    case DataType::kInt16: return onnx::TensorProto::INT16;
    case DataType::kInt32: return onnx::TensorProto::INT32;
    case DataType::kInt64: return onnx::TensorProto::INT64;
    case DataType::kUInt32: return onnx::TensorProto::UINT32;
    case DataType::kUInt64: return onnx::TensorProto::UINT64;
    case DataType::kBool: return onnx::TensorProto::BOOL;
    default: return error("dtype {} has no ONNX equivalent", graph::dtype_name(t));
  }
}

Status tensor_to_onnx(const graph::Tensor& t, const std::string& name, onnx::TensorProto* out) {
  AMCT_ASSIGN_OR_RETURN(const int32_t dt, onnx_dtype(t.dtype()));
  out->Clear();
  out->set_name(name);
  out->set_data_type(dt);
  for (int64_t d : t.shape()) out->add_dims(d);
  // amct tensors are little-endian in memory on every supported host, as raw_data wants.
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "raw_data is little-endian");
  out->set_raw_data(static_cast<const char*>(t.raw()), t.byte_size());
  return Status::ok();
}

Expected<graph::Tensor> permute(const graph::Tensor& in, const std::vector<int>& perm) {
  const int rank = in.rank();
  if (static_cast<int>(perm.size()) != rank)
    return error("permutation of {} axes for a rank-{} tensor", perm.size(), rank);
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  graph::Shape out_shape(static_cast<size_t>(rank));
  for (int k = 0; k < rank; ++k) {
    const int p = perm[static_cast<size_t>(k)];
    if (p < 0 || p >= rank || seen[static_cast<size_t>(p)]) return error("bad permutation for rank {}", rank);
    seen[static_cast<size_t>(p)] = true;
    out_shape[static_cast<size_t>(k)] = in.shape()[static_cast<size_t>(p)];
  }
  AMCT_ASSIGN_OR_RETURN(graph::Tensor out, graph::Tensor::create(in.dtype(), out_shape));
  const size_t esize = graph::dtype_size(in.dtype());
  const int64_t n = in.num_elements();
  if (n == 0) return out;
  // Input strides (elements), then walk the output in order with a counter.
  std::vector<int64_t> in_stride(static_cast<size_t>(rank), 1);
  for (int k = rank - 2; k >= 0; --k)
    in_stride[static_cast<size_t>(k)] = in_stride[static_cast<size_t>(k) + 1] * in.shape()[static_cast<size_t>(k) + 1];
  std::vector<int64_t> step(static_cast<size_t>(rank));
  for (int k = 0; k < rank; ++k) step[static_cast<size_t>(k)] = in_stride[static_cast<size_t>(perm[static_cast<size_t>(k)])];
  std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
  const auto* src = static_cast<const uint8_t*>(in.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  int64_t offset = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(dst + static_cast<size_t>(i) * esize, src + static_cast<size_t>(offset) * esize, esize);
    for (int k = rank - 1; k >= 0; --k) {
      const auto ku = static_cast<size_t>(k);
      offset += step[ku];
      if (++idx[ku] < out_shape[ku]) break;
      offset -= step[ku] * out_shape[ku];
      idx[ku] = 0;
    }
  }
  return out;
}

Expected<graph::Tensor> broadcast_const_to_nchw(const graph::Tensor& t) {
  if (t.rank() == 0) return t;
  if (t.rank() > 4) return error("a rank-{} constant cannot broadcast against a 4-D tensor", t.rank());
  graph::Shape s(static_cast<size_t>(4 - t.rank()), 1);
  s.insert(s.end(), t.shape().begin(), t.shape().end());
  return permute(t.reshaped(s), {0, 3, 1, 2});
}

}  // namespace amct::onnx_export
