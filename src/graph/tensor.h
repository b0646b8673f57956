// A dense tensor: dtype, shape and a shared, 64-byte aligned buffer.
// Copies are shallow (like TF); clone() makes a deep copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/dtype.h"

namespace amct::graph {

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& s);
// Number of elements, or an error when a dim is negative or the product overflows.
Expected<int64_t> checked_num_elements(const Shape& s);

class Tensor {
 public:
  Tensor() = default;
  // Allocates zero-filled storage. Shape must be valid (see checked_num_elements).
  Tensor(DataType dtype, Shape shape);
  static Expected<Tensor> create(DataType dtype, const Shape& shape);  // checked
  // Storage left as the allocator returns it, for a buffer about to be
  // overwritten whole (kernel outputs, copies): zero-filling hundreds of MB
  // per batch cost more than the kernels writing it.
  static Tensor uninitialized(DataType dtype, Shape shape);
  template <typename T>
  static Tensor from_vector(const Shape& shape, const std::vector<T>& values) {
    Tensor t(DataTypeOf<T>::value, shape);
    for (size_t i = 0; i < values.size() && i < static_cast<size_t>(t.num_elements()); ++i)
      t.data<T>()[i] = values[i];
    return t;
  }
  template <typename T>
  static Tensor scalar(T v) { return from_vector<T>({}, {v}); }

  bool empty() const { return dtype_ == DataType::kInvalid; }
  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[static_cast<size_t>(i < 0 ? i + rank() : i)]; }
  int64_t num_elements() const { return num_elements_; }
  size_t byte_size() const { return static_cast<size_t>(num_elements_) * dtype_size(dtype_); }

  void* raw() { return buffer_.get(); }
  const void* raw() const { return buffer_.get(); }
  template <typename T> T* data() { return static_cast<T*>(raw()); }
  template <typename T> const T* data() const { return static_cast<const T*>(raw()); }

  Tensor clone() const;
  // Same buffer, new shape with the same element count (Reshape/Squeeze/ExpandDims).
  Tensor reshaped(const Shape& shape) const;
  // Value of element i converted to double / int64 (for small shape tensors).
  double as_double(int64_t i) const;
  int64_t as_int64(int64_t i) const;
  std::vector<int64_t> to_int64_vector() const;
  bool equals(const Tensor& other) const;  // dtype, shape and bytes

 private:
  DataType dtype_ = DataType::kInvalid;
  Shape shape_;
  int64_t num_elements_ = 0;
  std::shared_ptr<uint8_t> buffer_;

  struct NoFill {};
  Tensor(DataType dtype, Shape shape, NoFill);
};

}  // namespace amct::graph
