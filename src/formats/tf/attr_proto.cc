#include "formats/tf/attr_proto.h"

#include "formats/tf/tensor_proto.h"

namespace amct::tf {
namespace {

using graph::AttrValue;

AttrValue opaque(const tfproto::AttrValue& a) {
  AttrValue v;
  v.kind = AttrValue::Kind::kOpaque;
  a.SerializeToString(&v.opaque);
  return v;
}

bool list_needs_opaque(const tfproto::AttrValue::ListValue& l) {
  if (l.func_size() > 0) return true;
  for (const auto& t : l.tensor())
    if (!tensor_dtype_is_modelled(t.dtype()) && tf_dtype_exists(t.dtype())) return true;
  return false;
}

}  // namespace

Expected<graph::DataType> dtype_from_proto(int v) {
  if (v != 0 && !tf_dtype_exists(v)) return error("unknown dtype {}", v);
  return static_cast<graph::DataType>(v);
}

Expected<graph::ShapeAttr> shape_attr_from_proto(const tfproto::TensorShapeProto& p) {
  graph::ShapeAttr s;
  s.unknown_rank = p.unknown_rank();
  for (const auto& d : p.dim()) {
    if (d.size() < -1) return error("shape has dimension {} (only -1 may be negative)", d.size());
    s.dims.push_back(d.size());
  }
  return s;
}

void shape_attr_to_proto(const graph::ShapeAttr& s, tfproto::TensorShapeProto* p) {
  p->Clear();
  if (s.unknown_rank) p->set_unknown_rank(true);
  for (int64_t d : s.dims) p->add_dim()->set_size(d);
}

Expected<graph::AttrValue> attr_from_proto(const tfproto::AttrValue& a) {
  using Case = tfproto::AttrValue::ValueCase;
  switch (a.value_case()) {
    case Case::VALUE_NOT_SET: return AttrValue();
    case Case::kS: return AttrValue::of_string(a.s());
    case Case::kI: return AttrValue::of_int(a.i());
    case Case::kF: return AttrValue::of_float(a.f());
    case Case::kB: return AttrValue::of_bool(a.b());
    case Case::kType: {
      AMCT_ASSIGN_OR_RETURN(graph::DataType t, dtype_from_proto(a.type()));
      return AttrValue::of_type(t);
    }
    case Case::kShape: {
      AMCT_ASSIGN_OR_RETURN(graph::ShapeAttr s, shape_attr_from_proto(a.shape()));
      return AttrValue::of_shape(std::move(s));
    }
    case Case::kTensor: {
      const int dt = a.tensor().dtype();
      if (!tensor_dtype_is_modelled(dt) && tf_dtype_exists(dt)) return opaque(a);
      AMCT_ASSIGN_OR_RETURN(graph::Tensor t, tensor_from_proto(a.tensor()));
      return AttrValue::of_tensor(std::move(t));
    }
    case Case::kList: {
      const auto& l = a.list();
      if (list_needs_opaque(l)) return opaque(a);
      AttrValue v;
      v.kind = AttrValue::Kind::kList;
      v.list.s.assign(l.s().begin(), l.s().end());
      v.list.i.assign(l.i().begin(), l.i().end());
      v.list.f.assign(l.f().begin(), l.f().end());
      v.list.b.assign(l.b().begin(), l.b().end());
      for (int t : l.type()) {
        AMCT_ASSIGN_OR_RETURN(graph::DataType dt, dtype_from_proto(t));
        v.list.type.push_back(dt);
      }
      for (const auto& sp : l.shape()) {
        AMCT_ASSIGN_OR_RETURN(graph::ShapeAttr s, shape_attr_from_proto(sp));
        v.list.shape.push_back(std::move(s));
      }
      for (size_t k = 0; k < static_cast<size_t>(l.tensor_size()); ++k) {
        auto t = tensor_from_proto(l.tensor(static_cast<int>(k)));
        if (!t.ok()) return t.status().with_context("list tensor " + std::to_string(k));
        v.list.tensor.push_back(std::move(t).value());
      }
      return v;
    }
    case Case::kFunc:
    case Case::kPlaceholder: return opaque(a);
  }
  return opaque(a);
}

Status attr_to_proto(const graph::AttrValue& v, tfproto::AttrValue* out) {
  out->Clear();
  switch (v.kind) {
    case AttrValue::Kind::kNone: break;
    case AttrValue::Kind::kString: out->set_s(v.s); break;
    case AttrValue::Kind::kInt: out->set_i(v.i); break;
    case AttrValue::Kind::kFloat: out->set_f(v.f); break;
    case AttrValue::Kind::kBool: out->set_b(v.b); break;
    case AttrValue::Kind::kType: out->set_type(static_cast<int>(v.type)); break;
    case AttrValue::Kind::kShape: shape_attr_to_proto(v.shape, out->mutable_shape()); break;
    case AttrValue::Kind::kTensor: tensor_to_proto(v.tensor, out->mutable_tensor()); break;
    case AttrValue::Kind::kList: {
      auto* l = out->mutable_list();
      for (const auto& s : v.list.s) l->add_s(s);
      for (int64_t i : v.list.i) l->add_i(i);
      for (float f : v.list.f) l->add_f(f);
      for (bool b : v.list.b) l->add_b(b);
      for (auto t : v.list.type) l->add_type(static_cast<int>(t));
      for (const auto& s : v.list.shape) shape_attr_to_proto(s, l->add_shape());
      for (const auto& t : v.list.tensor) tensor_to_proto(t, l->add_tensor());
      break;
    }
    case AttrValue::Kind::kOpaque:
      if (!out->ParseFromString(v.opaque)) return error("opaque attribute bytes do not parse");
      break;
  }
  return Status::ok();
}

}  // namespace amct::tf
