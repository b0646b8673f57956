#include "graph/attr.h"

namespace amct::graph {

AttrValue AttrValue::of_string(std::string v) { AttrValue a; a.kind = Kind::kString; a.s = std::move(v); return a; }
AttrValue AttrValue::of_int(int64_t v) { AttrValue a; a.kind = Kind::kInt; a.i = v; return a; }
AttrValue AttrValue::of_float(float v) { AttrValue a; a.kind = Kind::kFloat; a.f = v; return a; }
AttrValue AttrValue::of_bool(bool v) { AttrValue a; a.kind = Kind::kBool; a.b = v; return a; }
AttrValue AttrValue::of_type(DataType v) { AttrValue a; a.kind = Kind::kType; a.type = v; return a; }
AttrValue AttrValue::of_shape(ShapeAttr v) { AttrValue a; a.kind = Kind::kShape; a.shape = std::move(v); return a; }
AttrValue AttrValue::of_tensor(Tensor v) { AttrValue a; a.kind = Kind::kTensor; a.tensor = std::move(v); return a; }
AttrValue AttrValue::of_ints(std::vector<int64_t> v) { AttrValue a; a.kind = Kind::kList; a.list.i = std::move(v); return a; }
AttrValue AttrValue::of_floats(std::vector<float> v) { AttrValue a; a.kind = Kind::kList; a.list.f = std::move(v); return a; }
AttrValue AttrValue::of_strings(std::vector<std::string> v) { AttrValue a; a.kind = Kind::kList; a.list.s = std::move(v); return a; }

namespace {
bool shape_eq(const ShapeAttr& a, const ShapeAttr& b) { return a.unknown_rank == b.unknown_rank && a.dims == b.dims; }
}  // namespace

bool AttrValue::equals(const AttrValue& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kNone: return true;
    case Kind::kString: return s == o.s;
    case Kind::kInt: return i == o.i;
    case Kind::kFloat: return f == o.f || (f != f && o.f != o.f);
    case Kind::kBool: return b == o.b;
    case Kind::kType: return type == o.type;
    case Kind::kShape: return shape_eq(shape, o.shape);
    case Kind::kTensor: return tensor.equals(o.tensor);
    case Kind::kOpaque: return opaque == o.opaque;
    case Kind::kList: {
      if (list.s != o.list.s || list.i != o.list.i || list.f != o.list.f || list.b != o.list.b ||
          list.type != o.list.type || list.shape.size() != o.list.shape.size() ||
          list.tensor.size() != o.list.tensor.size())
        return false;
      for (size_t k = 0; k < list.shape.size(); ++k)
        if (!shape_eq(list.shape[k], o.list.shape[k])) return false;
      for (size_t k = 0; k < list.tensor.size(); ++k)
        if (!list.tensor[k].equals(o.list.tensor[k])) return false;
      return true;
    }
  }
  return false;
}

}  // namespace amct::graph
