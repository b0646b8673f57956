// Value: how kernels see a tensor. Metadata plus a borrowed pointer; the
// session owns the memory (arena, feed, constant or a fresh output tensor).
#pragma once

#include <cstddef>
#include <cstdint>

#include "graph/dtype.h"
#include "graph/tensor.h"

namespace amct::runtime {

using graph::DataType;
using graph::Shape;

struct Value {
  DataType dtype = DataType::kInvalid;
  Shape shape;
  int64_t count = 0;      // number of elements, kept in step with shape by set_shape()
  void* data = nullptr;   // nullptr while unknown (at shape inference time)
  bool known = false;     // data fixed for the session's life: a constant or computed from shapes

  void set_shape(Shape s);
  size_t byte_size() const { return static_cast<size_t>(count) * graph::dtype_size(dtype); }
  int rank() const { return static_cast<int>(shape.size()); }
  int64_t dim(int i) const { return shape[static_cast<size_t>(i < 0 ? i + rank() : i)]; }
  template <typename T> T* as() const { return static_cast<T*>(data); }
};

// A Value that borrows a Tensor's buffer (the tensor must outlive it).
Value value_of(const graph::Tensor& t, bool known);

}  // namespace amct::runtime
