// Arithmetic for constant folding: Cast, broadcasting binary ops, Rsqrt/Sqrt,
// Prod/Sum. Integer math wraps (two's complement) instead of overflowing.
#include <cfloat>
#include <cmath>
#include <limits>
#include <type_traits>

#include "graph/passes/const_eval.h"

namespace amct::graph::const_eval {
namespace {

using Out = std::optional<Tensor>;

// Calls f(T{}) with the storage type of t; false for types not folded here
// (bool is stored as uint8 and handled by the callers that accept it).
template <typename F>
bool with_type(DataType t, F&& f) {
  switch (t) {
    case DataType::kFloat: f(float{}); return true;
    case DataType::kDouble: f(double{}); return true;
    case DataType::kInt32: f(int32_t{}); return true;
    case DataType::kInt64: f(int64_t{}); return true;
    case DataType::kInt16: f(int16_t{}); return true;
    case DataType::kInt8: f(int8_t{}); return true;
    case DataType::kUInt8: f(uint8_t{}); return true;
    case DataType::kUInt32: f(uint32_t{}); return true;
    case DataType::kUInt64: f(uint64_t{}); return true;
    case DataType::kBool: f(uint8_t{}); return true;
    default: return false;
  }
}

// Float-to-integer casts of NaN or out-of-range values are undefined in C++; report them.
template <typename S, typename D>
bool convert(S v, D* out) {
  if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    if (!std::isfinite(v)) return false;
    const long double lv = v;
    if (lv < static_cast<long double>(std::numeric_limits<D>::lowest()) ||
        lv >= std::ldexp(1.0L, std::numeric_limits<D>::digits))
      return false;
  }
  if constexpr (std::is_same_v<S, double> && std::is_same_v<D, float>) {
    if (std::isfinite(v) && std::fabs(v) > FLT_MAX) {
      *out = v > 0 ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
      return true;
    }
  }
  *out = static_cast<D>(v);
  return true;
}

template <typename T>
T op_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a + b)>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename T>
T op_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a - b)>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
template <typename T>
T op_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<decltype(a * b)>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

Expected<Shape> broadcast_shape(const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      return error("shapes {} and {} do not broadcast", shape_str(a), shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Element strides of `s` seen through the broadcast shape `out` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const Shape& s, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  int64_t stride = 1;
  for (size_t k = 0; k < s.size(); ++k) {
    const size_t d = s.size() - 1 - k;
    const size_t od = out.size() - 1 - k;
    st[od] = s[d] == 1 ? 0 : stride;
    stride *= s[d];
  }
  return st;
}

template <typename T, typename F>
void apply_binary(const Tensor& a, const Tensor& b, Tensor* out, F f) {
  const Shape& os = out->shape();
  const auto sa = broadcast_strides(a.shape(), os), sb = broadcast_strides(b.shape(), os);
  std::vector<int64_t> idx(os.size(), 0);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out->data<T>();
  int64_t ia = 0, ib = 0;
  for (int64_t o = 0; o < out->num_elements(); ++o) {
    po[o] = f(pa[ia], pb[ib]);
    for (size_t d = os.size(); d-- > 0;) {
      ia += sa[d];
      ib += sb[d];
      if (++idx[d] < os[d]) break;
      ia -= sa[d] * os[d];
      ib -= sb[d] * os[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

Result cast(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& x = in[0];
  AMCT_ASSIGN_OR_RETURN(DataType dst, n.attr_type("DstT"));
  const auto supported = [](DataType t) { return with_type(t, [](auto) {}); };
  if (!supported(x.dtype()) || !supported(dst)) return Out();  // half, quantized types
  AMCT_ASSIGN_OR_RETURN(Tensor out, Tensor::create(dst, x.shape()));
  bool ok = true;
  with_type(x.dtype(), [&](auto s_tag) {
    using S = decltype(s_tag);
    const S* src = x.data<S>();
    with_type(dst, [&](auto d_tag) {
      using D = decltype(d_tag);
      D* o = out.data<D>();
      for (int64_t i = 0; i < x.num_elements() && ok; ++i) {
        if (dst == DataType::kBool) o[i] = static_cast<D>(src[i] != 0);
        else ok = convert(src[i], &o[i]);
      }
    });
  });
  if (!ok) return Out();  // NaN or out-of-range float to int: leave it to the runtime
  return Out(std::move(out));
}

Result binary(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& a = in[0];
  const Tensor& b = in[1];
  if (a.dtype() != b.dtype())
    return error("inputs have different dtypes {} and {}", dtype_name(a.dtype()), dtype_name(b.dtype()));
  const DataType t = a.dtype();
  const bool is_float = t == DataType::kFloat || t == DataType::kDouble;
  if (!is_float && t != DataType::kInt32 && t != DataType::kInt64) return Out();
  if (n.op == "RealDiv" && !is_float) return Out();
  AMCT_ASSIGN_OR_RETURN(Shape os, broadcast_shape(a.shape(), b.shape()));
  auto count = checked_num_elements(os);
  if (!count.ok() || count.value() > kMaxFoldedElements) return Out();
  AMCT_ASSIGN_OR_RETURN(Tensor out, Tensor::create(t, os));
  const std::string& op = n.op;
  with_type(t, [&](auto tag) {
    using T = decltype(tag);
    if (op == "Add" || op == "AddV2") apply_binary<T>(a, b, &out, op_add<T>);
    else if (op == "Sub") apply_binary<T>(a, b, &out, op_sub<T>);
    else if (op == "Mul") apply_binary<T>(a, b, &out, op_mul<T>);
    else if (op == "Maximum") apply_binary<T>(a, b, &out, [](T x, T y) { return x < y ? y : x; });
    else if (op == "Minimum") apply_binary<T>(a, b, &out, [](T x, T y) { return y < x ? y : x; });
    else if constexpr (std::is_floating_point_v<T>) apply_binary<T>(a, b, &out, [](T x, T y) { return x / y; });
  });
  return Out(std::move(out));
}

Result unary(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& x = in[0];
  if (x.dtype() != DataType::kFloat && x.dtype() != DataType::kDouble) return Out();
  Tensor out = Tensor(x.dtype(), x.shape());
  const bool rsqrt = n.op == "Rsqrt";
  with_type(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < x.num_elements(); ++i) {
        const T r = std::sqrt(x.data<T>()[i]);
        out.data<T>()[i] = rsqrt ? T(1) / r : r;
      }
    }
  });
  return Out(std::move(out));
}

Result reduce(const Node& n, const std::vector<Tensor>& in) {
  const Tensor& x = in[0];
  const DataType t = x.dtype();
  if (t != DataType::kFloat && t != DataType::kDouble && t != DataType::kInt32 && t != DataType::kInt64)
    return Out();
  AMCT_ASSIGN_OR_RETURN(auto axes, int_values(in[1], "reduction_indices"));
  const auto rank = static_cast<int64_t>(x.rank());
  std::vector<bool> reduced(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) return error("reduction axis {} is out of range for rank {}", a, rank);
    reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
  }
  const bool keep_dims = n.attr_bool_or("keep_dims", false);
  Shape out_shape, kept_shape;  // kept_shape: rank preserved, reduced dims 1
  for (int64_t d = 0; d < rank; ++d) {
    const int64_t dim = reduced[static_cast<size_t>(d)] ? 1 : x.shape()[static_cast<size_t>(d)];
    kept_shape.push_back(dim);
    if (keep_dims || !reduced[static_cast<size_t>(d)]) out_shape.push_back(dim);
  }
  AMCT_ASSIGN_OR_RETURN(Tensor out, Tensor::create(t, out_shape));
  const bool prod = n.op == "Prod";
  const auto st = broadcast_strides(kept_shape, x.shape());
  with_type(t, [&](auto tag) {
    using T = decltype(tag);
    T* o = out.data<T>();
    for (int64_t i = 0; i < out.num_elements(); ++i) o[i] = prod ? T(1) : T(0);
    std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
    int64_t oi = 0;
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      o[oi] = prod ? op_mul<T>(o[oi], x.data<T>()[i]) : op_add<T>(o[oi], x.data<T>()[i]);
      for (size_t d = static_cast<size_t>(rank); d-- > 0;) {
        oi += st[d];
        if (++idx[d] < x.shape()[d]) break;
        oi -= st[d] * x.shape()[d];
        idx[d] = 0;
      }
    }
  });
  return Out(std::move(out));
}

}  // namespace amct::graph::const_eval
