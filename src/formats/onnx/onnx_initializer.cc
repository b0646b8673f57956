#include "formats/onnx/onnx_initializer.h"

#include <cstring>
#include <limits>

namespace amct::onnx_import {
namespace {

using graph::DataType;

// Typed int32_data holds narrower integer types one per entry.
template <typename T>
Status copy_narrow(const onnx::TensorProto& t, graph::Tensor* out) {
  T* dst = out->data<T>();
  for (int i = 0; i < t.int32_data_size(); ++i) {
    const int32_t v = t.int32_data(i);
    if (v < static_cast<int32_t>(std::numeric_limits<T>::lowest()) || v > static_cast<int32_t>(std::numeric_limits<T>::max()))
      return error("int32_data[{}] = {} is out of range for {}", i, v, graph::dtype_name(out->dtype()));
    dst[i] = static_cast<T>(v);
  }
  return Status::ok();
}

int64_t typed_count(const onnx::TensorProto& t, DataType d) {
  switch (d) {
    case DataType::kFloat: return t.float_data_size();
    case DataType::kDouble: return t.double_data_size();
    case DataType::kInt64: return t.int64_data_size();
    default: return t.int32_data_size();
  }
}

}  // namespace

Expected<DataType> dtype_from_onnx(int32_t onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT: return DataType::kFloat;
    case onnx::TensorProto::UINT8: return DataType::kUInt8;
    case onnx::TensorProto::INT8: return DataType::kInt8;
    case onnx::TensorProto::INT16: return DataType::kInt16;
    case onnx::TensorProto::INT32: return DataType::kInt32;
    case onnx::TensorProto::INT64: return DataType::kInt64;
    case onnx::TensorProto::BOOL: return DataType::kBool;
    case onnx::TensorProto::DOUBLE: return DataType::kDouble;
    default: break;
  }
  const std::string name = onnx::TensorProto::DataType_IsValid(onnx_type)
                               ? onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(onnx_type))
                               : std::to_string(onnx_type);
  return error("element type {} is not supported", name);
}

Expected<graph::Tensor> tensor_from_onnx(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    return error("tensor '{}': external data is not supported (save the model with its weights inside)", t.name());
  if (t.has_segment()) return error("tensor '{}': segmented tensors are not supported", t.name());
  auto dtype = dtype_from_onnx(t.data_type());
  if (!dtype.ok()) return error("tensor '{}': {}", t.name(), dtype.status().message());
  graph::Shape shape(t.dims().begin(), t.dims().end());
  auto n = graph::checked_num_elements(shape);
  if (!n.ok()) return error("tensor '{}': dims {}: {}", t.name(), graph::shape_str(shape), n.status().message());
  const size_t elem = graph::dtype_size(*dtype);
  if (static_cast<uint64_t>(*n) > std::numeric_limits<uint64_t>::max() / elem)
    return error("tensor '{}': dims {} overflow", t.name(), graph::shape_str(shape));
  const uint64_t bytes = static_cast<uint64_t>(*n) * elem;
  const bool has_raw = t.has_raw_data();
  const int64_t typed = typed_count(t, *dtype);
  if (has_raw && typed > 0)
    return error("tensor '{}': holds both raw_data and a typed data field", t.name());
  if (has_raw) {
    if (t.raw_data().size() != bytes)
      return error("tensor '{}': raw_data has {} bytes, dims {} of {} need {}", t.name(), t.raw_data().size(),
                   graph::shape_str(shape), graph::dtype_name(*dtype), bytes);
  } else if (typed != *n) {
    return error("tensor '{}': holds {} values, dims {} need {}", t.name(), typed, graph::shape_str(shape), *n);
  }
  // Sizes now match data the file really holds: allocating is safe.
  AMCT_ASSIGN_OR_RETURN(graph::Tensor out, graph::Tensor::create(*dtype, shape));
  if (bytes == 0) return out;
  if (has_raw) {
    std::memcpy(out.raw(), t.raw_data().data(), bytes);  // ONNX raw_data is little-endian, like the host
    if (*dtype == DataType::kBool)
      for (int64_t i = 0; i < *n; ++i) out.data<bool>()[i] = t.raw_data()[static_cast<size_t>(i)] != 0;
    return out;
  }
  Status st;
  switch (*dtype) {
    case DataType::kFloat: std::memcpy(out.raw(), t.float_data().data(), bytes); break;
    case DataType::kDouble: std::memcpy(out.raw(), t.double_data().data(), bytes); break;
    case DataType::kInt64: std::memcpy(out.raw(), t.int64_data().data(), bytes); break;
    case DataType::kInt32: std::memcpy(out.raw(), t.int32_data().data(), bytes); break;
    case DataType::kInt16: st = copy_narrow<int16_t>(t, &out); break;
    case DataType::kInt8: st = copy_narrow<int8_t>(t, &out); break;
    case DataType::kUInt8: st = copy_narrow<uint8_t>(t, &out); break;
    case DataType::kBool:
      for (int64_t i = 0; i < *n; ++i) out.data<bool>()[i] = t.int32_data(static_cast<int>(i)) != 0;
      break;
    default: return error("tensor '{}': element type {} is not supported", t.name(), graph::dtype_name(*dtype));
  }
  if (!st.is_ok()) return st.with_context("tensor '" + t.name() + "'");
  return out;
}

}  // namespace amct::onnx_import
