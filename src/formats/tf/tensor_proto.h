// TensorProto <-> graph::Tensor. Reads every encoding TensorFlow writes
// (tensor_content, typed *_val lists, short lists broadcast by repeating the
// last value, empty = zeros); always writes tensor_content.
#pragma once

#include "core/status.h"
#include "formats/tf/proto/graph.pb.h"
#include "graph/tensor.h"

namespace amct::tf {

// Largest tensor the reader materializes; a broadcast *_val list must not
// make a few bytes of file allocate unbounded memory.
constexpr int64_t kMaxTensorElements = int64_t{1} << 31;
constexpr int64_t kMaxTensorBytes = int64_t{1} << 31;
// Tensors expanded from a (possibly one-value) *_val list get a lower cap.
constexpr int64_t kMaxExpandedTensorBytes = int64_t{1} << 28;

// A value of TensorFlow's DataType enum (including *_REF types).
bool tf_dtype_exists(int tf_dtype);
// A dtype amct holds in a dense graph::Tensor (not string, complex, bfloat16...).
bool tensor_dtype_is_modelled(int tf_dtype);

// Shape of a TensorShapeProto that must be fully defined (Const values).
Expected<graph::Shape> shape_from_proto(const tfproto::TensorShapeProto& p);
// Errors say what is wrong ("tensor_content has 8 bytes, expected 24 for float32 [2,3]").
Expected<graph::Tensor> tensor_from_proto(const tfproto::TensorProto& p);
void tensor_to_proto(const graph::Tensor& t, tfproto::TensorProto* p);

}  // namespace amct::tf
