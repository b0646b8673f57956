// StridedSlice with TF's full mask semantics (begin/end/ellipsis/new_axis/
// shrink_axis), following ValidateStridedSliceOp: the sparse spec is expanded
// to one (begin, end, stride) per input dim, then gathered into the output shape.
#include <cstring>
#include <vector>

#include "runtime/ops/ops.h"

namespace amct::runtime {
namespace {

struct Masks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink = 0;
};

struct DenseSlice {
  std::vector<int64_t> begin, size, stride;  // per input dim: first index, count, step
  graph::Shape out_shape;
};

constexpr int kNewAxis = -1, kShrinkAxis = -2;

Expected<std::vector<int64_t>> ints_of(const Value& v, const char* what) {
  if (!v.known) return error("{} must be constant", what);
  if (v.rank() != 1) return error("{} {} must be a vector", what, describe(v));
  std::vector<int64_t> out(static_cast<size_t>(v.count));
  for (int64_t i = 0; i < v.count; ++i) {
    if (v.dtype == DataType::kInt32) out[static_cast<size_t>(i)] = v.as<int32_t>()[i];
    else if (v.dtype == DataType::kInt64) out[static_cast<size_t>(i)] = v.as<int64_t>()[i];
    else return error("{} {} must be int32 or int64", what, describe(v));
  }
  return out;
}

Expected<DenseSlice> resolve(const graph::Shape& in, const std::vector<int64_t>& sb, const std::vector<int64_t>& se,
                             const std::vector<int64_t>& ss, Masks m) {
  if (sb.size() != se.size() || sb.size() != ss.size())
    return error("begin, end and strides have different lengths {}, {}, {}", sb.size(), se.size(), ss.size());
  if (sb.size() > 62) return error("too many slice dims {}", sb.size());
  if (m.ellipsis && (m.ellipsis & (m.ellipsis - 1))) return error("multiple ellipses in the slice");
  int sparse_dims = static_cast<int>(sb.size());
  int new_after_ellipsis = 0;
  bool ellipsis_seen = false;
  for (int i = 0; i < sparse_dims; ++i) {
    if (ellipsis_seen && ((int64_t{1} << i) & m.new_axis)) ++new_after_ellipsis;
    if ((int64_t{1} << i) & m.ellipsis) ellipsis_seen = true;
  }
  if (!ellipsis_seen) {
    m.ellipsis |= int64_t{1} << sparse_dims;
    ++sparse_dims;
  }
  const int dims = static_cast<int>(in.size());
  if (dims > 62) return error("input rank {} too large", dims);
  std::vector<int64_t> begin(static_cast<size_t>(dims), 0), end(static_cast<size_t>(dims), 0),
      stride(static_cast<size_t>(dims), 1);
  int64_t begin_mask = 0, end_mask = 0, shrink = 0;
  std::vector<int> gather;
  int full = 0;
  for (int i = 0; i < sparse_dims; ++i) {
    const int64_t bit = int64_t{1} << i;
    if (bit & m.ellipsis) {
      const int next = std::min(dims - (sparse_dims - i) + 1 + new_after_ellipsis, dims);
      for (; full < next; ++full) {
        begin_mask |= int64_t{1} << full;
        end_mask |= int64_t{1} << full;
        gather.push_back(full);
      }
    } else if (bit & m.new_axis) {
      gather.push_back(kNewAxis);
    } else {
      if (full >= dims) return error("slice index {} out of range for input rank {}", i, dims);
      begin[static_cast<size_t>(full)] = sb[static_cast<size_t>(i)];
      end[static_cast<size_t>(full)] = se[static_cast<size_t>(i)];
      stride[static_cast<size_t>(full)] = ss[static_cast<size_t>(i)];
      if (m.begin & bit) begin_mask |= int64_t{1} << full;
      if (m.end & bit) end_mask |= int64_t{1} << full;
      if (m.shrink & bit) {
        gather.push_back(kShrinkAxis);
        shrink |= int64_t{1} << full;
      } else {
        gather.push_back(full);
      }
      ++full;
    }
  }
  DenseSlice d;
  graph::Shape processing(static_cast<size_t>(dims));
  for (int i = 0; i < dims; ++i) {
    const size_t u = static_cast<size_t>(i);
    const int64_t dim = in[u], s = stride[u];
    if (s == 0) return error("stride of dim {} is zero", i);
    if (s < -(int64_t{1} << 40) || s > (int64_t{1} << 40)) return error("stride {} out of range", s);
    const bool shrink_i = shrink & (int64_t{1} << i);
    const bool masks[2] = {(begin_mask & (int64_t{1} << i)) != 0, (end_mask & (int64_t{1} << i)) != 0};
    const int64_t valid[2] = {s > 0 ? 0 : -1, s > 0 ? dim : dim - 1};
    auto canonical = [&](int64_t x, int c) {
      if (masks[c]) return s > 0 ? valid[c] : valid[(c + 1) & 1];
      const int64_t fwd = x < 0 ? dim + x : x;
      return fwd < valid[0] ? valid[0] : fwd > valid[1] ? valid[1] : fwd;
    };
    int64_t b, e;
    if (shrink_i) {
      if (s <= 0) return error("shrinking dim {} needs a positive stride", i);
      const int64_t fwd = begin[u] < 0 ? dim + begin[u] : begin[u];
      if (fwd < 0 || fwd >= dim) return error("slice index {} of dim {} out of bounds (size {})", begin[u], i, dim);
      b = fwd;
      e = fwd + 1;
    } else {
      if (begin[u] < -(int64_t{1} << 50) || begin[u] > (int64_t{1} << 50) || end[u] < -(int64_t{1} << 50) ||
          end[u] > (int64_t{1} << 50))
        return error("slice bounds of dim {} out of range", i);
      b = canonical(begin[u], 0);
      e = canonical(end[u], 1);
    }
    const int64_t len = e - b;
    const int64_t size = (len == 0 || ((len < 0) != (s < 0))) ? 0 : len / s + (len % s != 0 ? 1 : 0);
    d.begin.push_back(b);
    d.size.push_back(size);
    d.stride.push_back(s);
    processing[u] = size;
  }
  for (int g : gather) {
    if (g == kNewAxis) d.out_shape.push_back(1);
    else if (g >= 0) d.out_shape.push_back(processing[static_cast<size_t>(g)]);
  }
  return d;
}

class StridedSliceKernel : public Kernel {
 public:
  explicit StridedSliceKernel(Masks m) : masks_(m) {}

  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 4) return error("expected 4 inputs, got {}", in.size());
    if (graph::dtype_size(in[0]->dtype) == 0) return error("dtype {} not supported", graph::dtype_name(in[0]->dtype));
    AMCT_ASSIGN_OR_RETURN(DenseSlice d, dense(in));
    return set_output(out[0], in[0]->dtype, d.out_shape);
  }

  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(DenseSlice d, dense(in));
    const Value& x = *in[0];
    const size_t r = d.size.size();
    const size_t esize = graph::dtype_size(x.dtype);
    int64_t total = 1;
    for (int64_t s : d.size) total *= s;
    if (total == 0) return Status::ok();
    std::vector<int64_t> in_stride(r, 1), idx(r, 0);
    for (size_t i = r; i-- > 1;) in_stride[i - 1] = in_stride[i] * x.shape[i];
    const auto* src = static_cast<const uint8_t*>(x.data);
    auto* dst = static_cast<uint8_t*>(out[0]->data);
    for (int64_t e = 0; e < total; ++e) {
      int64_t off = 0;
      for (size_t i = 0; i < r; ++i) off += (d.begin[i] + idx[i] * d.stride[i]) * in_stride[i];
      std::memcpy(dst + static_cast<size_t>(e) * esize, src + static_cast<size_t>(off) * esize, esize);
      for (size_t i = r; i-- > 0;) {
        if (++idx[i] < d.size[i]) break;
        idx[i] = 0;
      }
    }
    return Status::ok();
  }

 private:
  Expected<DenseSlice> dense(const Inputs& in) const {
    AMCT_ASSIGN_OR_RETURN(auto b, ints_of(*in[1], "begin"));
    AMCT_ASSIGN_OR_RETURN(auto e, ints_of(*in[2], "end"));
    AMCT_ASSIGN_OR_RETURN(auto s, ints_of(*in[3], "strides"));
    return resolve(in[0]->shape, b, e, s, masks_);
  }
  Masks masks_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_strided_slice(const graph::Node& node, const KernelOptions&) {
  Masks m;
  m.begin = node.attr_int_or("begin_mask", 0);
  m.end = node.attr_int_or("end_mask", 0);
  m.ellipsis = node.attr_int_or("ellipsis_mask", 0);
  m.new_axis = node.attr_int_or("new_axis_mask", 0);
  m.shrink = node.attr_int_or("shrink_axis_mask", 0);
  for (int64_t v : {m.begin, m.end, m.ellipsis, m.new_axis, m.shrink})
    if (v < 0) return error("{}: negative mask {}", node.describe(), v);
  return std::unique_ptr<Kernel>(std::make_unique<StridedSliceKernel>(m));
}

}  // namespace amct::runtime
