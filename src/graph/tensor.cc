#include "graph/tensor.h"

#include <cstdlib>
#include <cstring>
#include <limits>

namespace amct::graph {
namespace {

// Whole 64-byte lines, at least one.
size_t padded_size(size_t bytes) {
  const size_t rounded = ((bytes + 63) / 64) * 64;
  return rounded == 0 ? 64 : rounded;
}

std::shared_ptr<uint8_t> allocate(size_t bytes) {
  void* p = std::aligned_alloc(64, padded_size(bytes));
  if (p == nullptr) throw std::bad_alloc();
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

}  // namespace

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

Expected<int64_t> checked_num_elements(const Shape& s) {
  // 2^40 elements is far beyond any model amct handles and keeps byte counts in range.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) return error("invalid shape {}: negative dimension", shape_str(s));
    if (d != 0 && n > kMaxElements / d) return error("invalid shape {}: too many elements", shape_str(s));
    n *= d;
  }
  return n;
}

Tensor::Tensor(DataType dtype, Shape shape) : Tensor(dtype, std::move(shape), NoFill{}) {
  std::memset(buffer_.get(), 0, padded_size(byte_size()));
}

Tensor::Tensor(DataType dtype, Shape shape, NoFill) : dtype_(dtype), shape_(std::move(shape)) {
  auto n = checked_num_elements(shape_);
  num_elements_ = n.ok() ? n.value() : 0;
  buffer_ = allocate(byte_size());
}

Tensor Tensor::uninitialized(DataType dtype, Shape shape) { return Tensor(dtype, std::move(shape), NoFill{}); }

Expected<Tensor> Tensor::create(DataType dtype, const Shape& shape) {
  AMCT_ASSIGN_OR_RETURN(int64_t n, checked_num_elements(shape));
  if (dtype_size(dtype) == 0) return error("cannot allocate a tensor of dtype {}", dtype_name(dtype));
  (void)n;
  return Tensor(dtype, shape);
}

Tensor Tensor::clone() const {
  Tensor t = uninitialized(dtype_, shape_);
  if (byte_size()) std::memcpy(t.raw(), raw(), byte_size());
  return t;
}

Tensor Tensor::reshaped(const Shape& shape) const {
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

double Tensor::as_double(int64_t i) const {
  switch (dtype_) {
    case DataType::kFloat: return data<float>()[i];
    case DataType::kDouble: return data<double>()[i];
    case DataType::kInt32: return data<int32_t>()[i];
    case DataType::kInt64: return static_cast<double>(data<int64_t>()[i]);
    case DataType::kUInt8: return data<uint8_t>()[i];
    case DataType::kInt8: return data<int8_t>()[i];
    case DataType::kInt16: return data<int16_t>()[i];
    case DataType::kBool: return data<uint8_t>()[i] ? 1.0 : 0.0;
    case DataType::kUInt32: return data<uint32_t>()[i];
    case DataType::kUInt64: return static_cast<double>(data<uint64_t>()[i]);
    default: return 0.0;
  }
}

int64_t Tensor::as_int64(int64_t i) const {
  switch (dtype_) {
    case DataType::kInt32: return data<int32_t>()[i];
    case DataType::kInt64: return data<int64_t>()[i];
    case DataType::kUInt8: return data<uint8_t>()[i];
    case DataType::kInt8: return data<int8_t>()[i];
    case DataType::kInt16: return data<int16_t>()[i];
    case DataType::kBool: return data<uint8_t>()[i] ? 1 : 0;
    case DataType::kUInt32: return data<uint32_t>()[i];
    case DataType::kUInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    default: {
      const double v = as_double(i);
      if (!(v > -9.2e18 && v < 9.2e18)) return 0;
      return static_cast<int64_t>(v);
    }
  }
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  std::vector<int64_t> out(static_cast<size_t>(num_elements_));
  for (int64_t i = 0; i < num_elements_; ++i) out[static_cast<size_t>(i)] = as_int64(i);
  return out;
}

bool Tensor::equals(const Tensor& other) const {
  if (dtype_ != other.dtype_ || shape_ != other.shape_) return false;
  return byte_size() == 0 || std::memcmp(raw(), other.raw(), byte_size()) == 0;
}

}  // namespace amct::graph
