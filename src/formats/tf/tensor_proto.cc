#include "formats/tf/tensor_proto.h"

#include <cstring>

namespace amct::tf {
namespace {

using graph::DataType;
using graph::Tensor;

// Fills `n` elements of type T from a repeated field, TF style: a shorter
// list repeats its last value, an empty one leaves zeros.
template <typename T, typename Field>
Status fill_from_list(const Field& values, const char* field_name, Tensor* t) {
  const int64_t n = t->num_elements();
  const int64_t have = values.size();
  if (have > n)
    return error("{} has {} values, more than the {} elements of shape {}", field_name, have,
                 n, graph::shape_str(t->shape()));
  if (have == 0) return Status::ok();
  T* out = t->data<T>();
  for (int64_t i = 0; i < have; ++i) out[i] = static_cast<T>(values.Get(static_cast<int>(i)));
  const T last = out[have - 1];
  for (int64_t i = have; i < n; ++i) out[i] = last;
  return Status::ok();
}

Status fill_typed(const tfproto::TensorProto& p, Tensor* t) {
  switch (t->dtype()) {
    case DataType::kFloat: return fill_from_list<float>(p.float_val(), "float_val", t);
    case DataType::kDouble: return fill_from_list<double>(p.double_val(), "double_val", t);
    case DataType::kInt32:
    case DataType::kQInt32: return fill_from_list<int32_t>(p.int_val(), "int_val", t);
    case DataType::kInt16: return fill_from_list<int16_t>(p.int_val(), "int_val", t);
    case DataType::kInt8:
    case DataType::kQInt8: return fill_from_list<int8_t>(p.int_val(), "int_val", t);
    case DataType::kUInt8:
    case DataType::kQUInt8: return fill_from_list<uint8_t>(p.int_val(), "int_val", t);
    case DataType::kInt64: return fill_from_list<int64_t>(p.int64_val(), "int64_val", t);
    case DataType::kBool: return fill_from_list<uint8_t>(p.bool_val(), "bool_val", t);
    case DataType::kHalf: return fill_from_list<uint16_t>(p.half_val(), "half_val", t);
    case DataType::kUInt32: return fill_from_list<uint32_t>(p.uint32_val(), "uint32_val", t);
    case DataType::kUInt64: return fill_from_list<uint64_t>(p.uint64_val(), "uint64_val", t);
    default: return error("unsupported dtype {}", graph::dtype_name(t->dtype()));
  }
}

}  // namespace

bool tf_dtype_exists(int v) {
  // DT_FLOAT..DT_UINT4 and their *_REF twins (value + 100).
  return (v >= 1 && v <= 27) || (v >= 101 && v <= 127);
}

bool tensor_dtype_is_modelled(int v) {
  if (!graph::dtype_is_known(v)) return false;
  const auto t = static_cast<DataType>(v);
  return t != DataType::kString && graph::dtype_size(t) > 0;
}

Expected<graph::Shape> shape_from_proto(const tfproto::TensorShapeProto& p) {
  if (p.unknown_rank()) return error("tensor shape has unknown rank");
  graph::Shape s;
  s.reserve(static_cast<size_t>(p.dim_size()));
  for (const auto& d : p.dim()) s.push_back(d.size());
  for (int64_t d : s)
    if (d < 0) return error("invalid shape {}: negative dimension", graph::shape_str(s));
  return s;
}

Expected<graph::Tensor> tensor_from_proto(const tfproto::TensorProto& p) {
  if (!tensor_dtype_is_modelled(p.dtype())) {
    if (tf_dtype_exists(p.dtype())) return error("unsupported tensor dtype {}", p.dtype());
    return error("unknown dtype {}", p.dtype());
  }
  const auto dtype = static_cast<DataType>(p.dtype());
  AMCT_ASSIGN_OR_RETURN(graph::Shape shape, shape_from_proto(p.tensor_shape()));
  AMCT_ASSIGN_OR_RETURN(int64_t n, graph::checked_num_elements(shape));
  const auto elem = static_cast<int64_t>(graph::dtype_size(dtype));
  if (n > kMaxTensorElements || n * elem > kMaxTensorBytes)
    return error("tensor of shape {} is too large ({} elements of {})", graph::shape_str(shape), n,
                 graph::dtype_name(dtype));
  const auto expected_bytes = static_cast<size_t>(n * elem);
  if (!p.tensor_content().empty() && p.tensor_content().size() != expected_bytes)
    return error("tensor_content has {} bytes, expected {} for {} {}", p.tensor_content().size(),
                 expected_bytes, graph::dtype_name(dtype), graph::shape_str(shape));
  if (p.tensor_content().empty() && n * elem > kMaxExpandedTensorBytes)
    return error("tensor of shape {} is too large to expand from a value list ({} elements of {})",
                 graph::shape_str(shape), n, graph::dtype_name(dtype));
  AMCT_ASSIGN_OR_RETURN(Tensor t, Tensor::create(dtype, shape));
  if (!p.tensor_content().empty()) {
    // Little-endian host, like the bytes TF writes.
    std::memcpy(t.raw(), p.tensor_content().data(), expected_bytes);
    return t;
  }
  AMCT_RETURN_IF_ERROR(fill_typed(p, &t));
  return t;
}

void tensor_to_proto(const graph::Tensor& t, tfproto::TensorProto* p) {
  p->Clear();
  p->set_dtype(static_cast<int>(t.dtype()));
  auto* shape = p->mutable_tensor_shape();
  for (int64_t d : t.shape()) shape->add_dim()->set_size(d);
  if (t.byte_size() > 0)
    p->set_tensor_content(static_cast<const char*>(t.raw()), t.byte_size());
}

}  // namespace amct::tf
