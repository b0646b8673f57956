// Shape and indexing ops for constant folding: Shape, Pack, ConcatV2, Reshape,
// Squeeze, ExpandDims, Fill, Range, StridedSlice. Byte copies, so any dtype works.
#include <cmath>
#include <cstring>

#include "graph/passes/const_eval.h"

namespace amct::graph::const_eval {
namespace {

using Out = std::optional<Tensor>;

// Maps axis in [-span, span) to [0, span).
Expected<int64_t> normalize_axis(int64_t axis, int64_t span, const char* what) {
  if (axis < -span || axis >= span) return error("{} {} is out of range [{}, {})", what, axis, -span, span);
  return axis < 0 ? axis + span : axis;
}

int64_t product(const Shape& s, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to && i < s.size(); ++i) p *= s[i];
  return p;
}

Status require_dense(const Tensor& t) {
  if (dtype_size(t.dtype()) == 0) return error("cannot fold dtype {}", dtype_name(t.dtype()));
  return Status::ok();
}

Expected<Tensor> make(DataType dtype, const Shape& shape) { return Tensor::create(dtype, shape); }

bool too_big(const Shape& s) {
  auto n = checked_num_elements(s);
  return !n.ok() || n.value() > kMaxFoldedElements;
}

}  // namespace

Result shape(const Node& n, const std::vector<Tensor>& in) {
  DataType out = DataType::kInt32;
  if (const AttrValue* a = n.attr("out_type"); a && a->kind == AttrValue::Kind::kType) out = a->type;
  if (out != DataType::kInt32 && out != DataType::kInt64)
    return error("out_type must be int32 or int64, got {}", dtype_name(out));
  const Shape& s = in[0].shape();
  AMCT_ASSIGN_OR_RETURN(Tensor t, make(out, {static_cast<int64_t>(s.size())}));
  for (size_t i = 0; i < s.size(); ++i) {
    if (out == DataType::kInt32) {
      if (s[i] > INT32_MAX) return error("dimension {} does not fit int32", s[i]);
      t.data<int32_t>()[i] = static_cast<int32_t>(s[i]);
    } else {
      t.data<int64_t>()[i] = s[i];
    }
  }
  return Out(std::move(t));
}

Result pack(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& first = in[0];
  AMCT_RETURN_IF_ERROR(require_dense(first));
  for (const auto& t : in)
    if (t.dtype() != first.dtype() || t.shape() != first.shape())
      return error("Pack inputs differ: {} {} vs {} {}", dtype_name(first.dtype()), shape_str(first.shape()),
                   dtype_name(t.dtype()), shape_str(t.shape()));
  const auto rank = static_cast<int64_t>(first.rank());
  AMCT_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(n.attr_int_or("axis", 0), rank + 1, "axis"));
  Shape out_shape = first.shape();
  out_shape.insert(out_shape.begin() + axis, static_cast<int64_t>(in.size()));
  AMCT_ASSIGN_OR_RETURN(Tensor out, make(first.dtype(), out_shape));
  const size_t esize = dtype_size(first.dtype());
  const int64_t outer = product(first.shape(), 0, static_cast<size_t>(axis));
  const size_t chunk = static_cast<size_t>(product(first.shape(), static_cast<size_t>(axis), first.shape().size())) * esize;
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < in.size(); ++k) {
      if (chunk == 0) continue;
      std::memcpy(dst, static_cast<const uint8_t*>(in[k].raw()) + static_cast<size_t>(o) * chunk, chunk);
      dst += chunk;
    }
  return Out(std::move(out));
}

Result concat_v2(const Node& n, const std::vector<Tensor>& in) {
  if (in.size() < 2) return error("ConcatV2 needs values and an axis");
  AMCT_ASSIGN_OR_RETURN(auto axis_v, int_values(in.back(), "axis"));
  if (axis_v.size() != 1) return error("axis must be a scalar");
  const Tensor& first = in[0];
  AMCT_RETURN_IF_ERROR(require_dense(first));
  const size_t values = in.size() - 1;
  const auto rank = static_cast<int64_t>(first.rank());
  if (rank == 0) return error("cannot concatenate scalars");
  AMCT_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_v[0], rank, "axis"));
  Shape out_shape = first.shape();
  out_shape[static_cast<size_t>(axis)] = 0;
  for (size_t k = 0; k < values; ++k) {
    const Tensor& t = in[k];
    bool ok = t.dtype() == first.dtype() && t.rank() == first.rank();
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || t.shape()[static_cast<size_t>(d)] == first.shape()[static_cast<size_t>(d)];
    if (!ok)
      return error("ConcatV2 inputs do not match along axis {}: {} {} vs {} {}", axis, dtype_name(first.dtype()),
                   shape_str(first.shape()), dtype_name(t.dtype()), shape_str(t.shape()));
    out_shape[static_cast<size_t>(axis)] += t.shape()[static_cast<size_t>(axis)];
  }
  AMCT_ASSIGN_OR_RETURN(Tensor out, make(first.dtype(), out_shape));
  const size_t esize = dtype_size(first.dtype());
  const int64_t outer = product(first.shape(), 0, static_cast<size_t>(axis));
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < values; ++k) {
      const size_t chunk =
          static_cast<size_t>(product(in[k].shape(), static_cast<size_t>(axis), in[k].shape().size())) * esize;
      if (chunk == 0) continue;
      std::memcpy(dst, static_cast<const uint8_t*>(in[k].raw()) + static_cast<size_t>(o) * chunk, chunk);
      dst += chunk;
    }
  return Out(std::move(out));
}

Result reshape(const Node& n, const std::vector<Tensor>& in) {
  AMCT_RETURN_IF_ERROR(require_dense(in[0]));
  AMCT_ASSIGN_OR_RETURN(auto dims, int_values(in[1], "shape"));
  if (in[1].rank() == 0) return error("shape must be a vector");
  Shape target(dims.begin(), dims.end());
  int unknown = -1;
  int64_t known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (unknown >= 0) return error("shape {} has more than one -1", shape_str(target));
      unknown = static_cast<int>(i);
    } else if (target[i] < 0) {
      return error("shape {} has a negative dimension", shape_str(target));
    } else {
      auto k = checked_num_elements({known, target[i]});
      if (!k.ok()) return error("shape {} is too large", shape_str(target));
      known = k.value();
    }
  }
  const int64_t count = in[0].num_elements();
  if (unknown >= 0) {
    if (known == 0 || count % known != 0)
      return error("cannot reshape {} elements to {}", count, shape_str(target));
    target[static_cast<size_t>(unknown)] = count / known;
  } else if (known != count) {
    return error("cannot reshape {} ({} elements) to {}", shape_str(in[0].shape()), count, shape_str(target));
  }
  return Out(in[0].clone().reshaped(target));
}

Result squeeze(const Node& n, const std::vector<Tensor>& in) {
  const Shape& s = in[0].shape();
  const auto rank = static_cast<int64_t>(s.size());
  std::vector<bool> drop(s.size(), false);
  std::vector<int64_t> dims;
  if (const AttrValue* a = n.attr("squeeze_dims"); a && a->kind == AttrValue::Kind::kList) dims = a->list.i;
  if (dims.empty()) {
    for (size_t i = 0; i < s.size(); ++i) drop[i] = s[i] == 1;
  } else {
    for (int64_t d : dims) {
      AMCT_ASSIGN_OR_RETURN(int64_t a, normalize_axis(d, rank, "squeeze dim"));
      if (s[static_cast<size_t>(a)] != 1)
        return error("cannot squeeze dimension {} of shape {}: size is not 1", d, shape_str(s));
      drop[static_cast<size_t>(a)] = true;
    }
  }
  Shape out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!drop[i]) out.push_back(s[i]);
  return Out(in[0].clone().reshaped(out));
}

Result expand_dims(const Node& n, const std::vector<Tensor>& in) {
  AMCT_ASSIGN_OR_RETURN(auto dim, int_values(in[1], "dim"));
  if (dim.size() != 1) return error("dim must hold one value");
  Shape s = in[0].shape();
  AMCT_ASSIGN_OR_RETURN(int64_t a, normalize_axis(dim[0], static_cast<int64_t>(s.size()) + 1, "dim"));
  s.insert(s.begin() + a, 1);
  return Out(in[0].clone().reshaped(s));
}

Result fill(const Node& n, const std::vector<Tensor>& in) {
  AMCT_ASSIGN_OR_RETURN(auto dims, int_values(in[0], "dims"));
  const Tensor& value = in[1];
  AMCT_RETURN_IF_ERROR(require_dense(value));
  if (value.rank() != 0) return error("value must be a scalar, got shape {}", shape_str(value.shape()));
  Shape s(dims.begin(), dims.end());
  AMCT_RETURN_IF_ERROR(checked_num_elements(s).status());
  if (too_big(s)) return Out();
  AMCT_ASSIGN_OR_RETURN(Tensor out, make(value.dtype(), s));
  const size_t esize = dtype_size(value.dtype());
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t i = 0; i < out.num_elements(); ++i) std::memcpy(dst + static_cast<size_t>(i) * esize, value.raw(), esize);
  return Out(std::move(out));
}

Result range(const Node& n, const std::vector<Tensor>& in) {
  const DataType t = in[0].dtype();
  for (const auto& x : in) {
    if (x.dtype() != t) return error("Range inputs have different dtypes");
    if (x.num_elements() != 1) return error("Range inputs must be scalars, got shape {}", shape_str(x.shape()));
  }
  const bool is_int = t == DataType::kInt32 || t == DataType::kInt64;
  if (!is_int && t != DataType::kFloat && t != DataType::kDouble) return Out();
  int64_t size = 0;
  if (is_int) {
    const int64_t start = in[0].as_int64(0), limit = in[1].as_int64(0), delta = in[2].as_int64(0);
    if (delta == 0) return error("Range delta must not be 0");
    if ((delta > 0 && start > limit) || (delta < 0 && start < limit))
      return error("Range start {} cannot reach limit {} with delta {}", start, limit, delta);
    const double span = std::fabs(static_cast<double>(limit) - static_cast<double>(start));
    const double step = std::fabs(static_cast<double>(delta));
    if (std::ceil(span / step) > static_cast<double>(kMaxFoldedElements)) return Out();
    // Unsigned arithmetic: the span of two int64 values may not fit int64.
    const uint64_t abs_delta = delta > 0 ? static_cast<uint64_t>(delta) : 0 - static_cast<uint64_t>(delta);
    const uint64_t uspan = delta > 0 ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                                     : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit);
    size = static_cast<int64_t>(uspan / abs_delta + (uspan % abs_delta != 0 ? 1 : 0));
    AMCT_ASSIGN_OR_RETURN(Tensor out, make(t, {size}));
    for (int64_t i = 0; i < size; ++i) {
      const auto v = static_cast<int64_t>(static_cast<uint64_t>(start) +
                                          static_cast<uint64_t>(i) * static_cast<uint64_t>(delta));
      if (t == DataType::kInt32) out.data<int32_t>()[i] = static_cast<int32_t>(v);
      else out.data<int64_t>()[i] = v;
    }
    return Out(std::move(out));
  }
  const double start = in[0].as_double(0), limit = in[1].as_double(0), delta = in[2].as_double(0);
  if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) || !std::isfinite(delta))
    return error("Range needs finite inputs and a non-zero delta");
  if ((delta > 0 && start > limit) || (delta < 0 && start < limit))
    return error("Range start {} cannot reach limit {} with delta {}", start, limit, delta);
  const double count = std::ceil(std::fabs((limit - start) / delta));
  if (count > static_cast<double>(kMaxFoldedElements)) return Out();
  size = static_cast<int64_t>(count);
  AMCT_ASSIGN_OR_RETURN(Tensor out, make(t, {size}));
  for (int64_t i = 0; i < size; ++i) {
    const double v = start + static_cast<double>(i) * delta;
    if (t == DataType::kFloat) out.data<float>()[i] = static_cast<float>(v);
    else out.data<double>()[i] = v;
  }
  return Out(std::move(out));
}

Result strided_slice(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& x = in[0];
  AMCT_RETURN_IF_ERROR(require_dense(x));
  // Ellipsis and new-axis slicing never show up in shape arithmetic we fold.
  if (n.attr_int_or("ellipsis_mask", 0) != 0 || n.attr_int_or("new_axis_mask", 0) != 0) return Out();
  AMCT_ASSIGN_OR_RETURN(auto begin, int_values(in[1], "begin"));
  AMCT_ASSIGN_OR_RETURN(auto end, int_values(in[2], "end"));
  AMCT_ASSIGN_OR_RETURN(auto strides, int_values(in[3], "strides"));
  if (begin.size() != end.size() || begin.size() != strides.size())
    return error("begin, end and strides have different lengths");
  const size_t rank = x.shape().size();
  if (begin.size() > rank) return error("slice spec has {} entries for rank {}", begin.size(), rank);
  const int64_t begin_mask = n.attr_int_or("begin_mask", 0), end_mask = n.attr_int_or("end_mask", 0);
  const int64_t shrink_mask = n.attr_int_or("shrink_axis_mask", 0);

  std::vector<int64_t> start(rank, 0), step(rank, 1), count(rank);
  Shape out_shape;
  for (size_t d = 0; d < rank; ++d) {
    const int64_t dim = x.shape()[d];
    count[d] = dim;
    if (d >= begin.size()) {
      out_shape.push_back(dim);
      continue;
    }
    const int64_t bit = int64_t{1} << d;
    if (shrink_mask & bit) {
      int64_t idx = begin[d] < 0 ? begin[d] + dim : begin[d];
      if (idx < 0 || idx >= dim) return error("index {} is out of bounds for dimension {} of size {}", begin[d], d, dim);
      start[d] = idx;
      count[d] = 1;
      continue;
    }
    const int64_t s = strides[d];
    if (s == 0) return error("stride {} is 0", d);
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    auto canon = [&](int64_t v, bool masked, int64_t masked_value) {
      if (masked) return masked_value;
      if (v < 0) v += dim;
      return v < lo ? lo : (v > hi ? hi : v);
    };
    const int64_t b = canon(begin[d], begin_mask & bit, s > 0 ? 0 : dim - 1);
    const int64_t e = canon(end[d], end_mask & bit, s > 0 ? dim : -1);
    const int64_t span = s > 0 ? e - b : b - e;
    const int64_t as = s > 0 ? s : -s;
    count[d] = span <= 0 ? 0 : (span + as - 1) / as;
    start[d] = b;
    step[d] = s;
    out_shape.push_back(count[d]);
  }
  AMCT_ASSIGN_OR_RETURN(Tensor out, make(x.dtype(), out_shape));
  if (out.num_elements() == 0) return Out(std::move(out));
  const size_t esize = dtype_size(x.dtype());
  std::vector<int64_t> in_stride(rank, 1);
  for (size_t d = rank; d-- > 1;) in_stride[d - 1] = in_stride[d] * x.shape()[d];
  std::vector<int64_t> idx(rank, 0);
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < out.num_elements(); ++o) {
    int64_t off = 0;
    for (size_t d = 0; d < rank; ++d) off += (start[d] + idx[d] * step[d]) * in_stride[d];
    std::memcpy(dst + static_cast<size_t>(o) * esize, src + static_cast<size_t>(off) * esize, esize);
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < count[d]) break;
      idx[d] = 0;
    }
  }
  return Out(std::move(out));
}

}  // namespace amct::graph::const_eval
