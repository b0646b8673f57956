#include "runtime/value.h"

namespace amct::runtime {

void Value::set_shape(Shape s) {
  shape = std::move(s);
  int64_t n = 1;
  for (int64_t d : shape) n *= d;  // shapes are checked by infer before they get here
  count = n;
}

Value value_of(const graph::Tensor& t, bool known) {
  Value v;
  v.dtype = t.dtype();
  v.set_shape(t.shape());
  v.data = const_cast<void*>(t.raw());
  v.known = known;
  return v;
}

}  // namespace amct::runtime
