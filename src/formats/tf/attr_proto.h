// tfproto::AttrValue <-> graph::AttrValue. Kinds amct does not model (func,
// placeholder, lists of funcs, tensors of string or other unmodelled dtypes)
// become AttrValue::Kind::kOpaque holding the serialized proto, re-emitted as is.
#pragma once

#include "core/status.h"
#include "formats/tf/proto/graph.pb.h"
#include "graph/attr.h"

namespace amct::tf {

// A type attribute's value: any TF DataType (kept as its enum value) or an error.
Expected<graph::DataType> dtype_from_proto(int v);
Expected<graph::ShapeAttr> shape_attr_from_proto(const tfproto::TensorShapeProto& p);
void shape_attr_to_proto(const graph::ShapeAttr& s, tfproto::TensorShapeProto* p);

Expected<graph::AttrValue> attr_from_proto(const tfproto::AttrValue& a);
// Fails only for opaque bytes that do not parse (never produced by the reader).
Status attr_to_proto(const graph::AttrValue& v, tfproto::AttrValue* out);

}  // namespace amct::tf
