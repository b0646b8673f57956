// Cast between the numeric dtypes. Float -> integer truncates toward zero like
// TF's static_cast; out-of-range values saturate and NaN becomes 0 instead of
// being undefined behaviour.
#include <cmath>
#include <limits>
#include <type_traits>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

template <typename D, typename S>
inline D convert(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S{};
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    if (std::isnan(v)) return D{0};
    if (v <= static_cast<S>(std::numeric_limits<D>::lowest())) return std::numeric_limits<D>::lowest();
    if (v >= static_cast<S>(std::numeric_limits<D>::max())) return std::numeric_limits<D>::max();
    return static_cast<D>(v);
  } else {
    return static_cast<D>(v);
  }
}

template <typename D, typename S>
void cast_loop(const void* src, void* dst, int64_t n) {
  const S* s = static_cast<const S*>(src);
  D* d = static_cast<D*>(dst);
  parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) d[i] = convert<D>(s[i]);
  });
}

// Calls f(T{}) with T the C++ type of `t`; false for dtypes Cast does not handle.
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
    case DataType::kBool: f(bool{}); return true;
    default: return false;
  }
}

class CastKernel : public Kernel {
 public:
  explicit CastKernel(DataType dst) : dst_(dst) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 1) return error("expected 1 input, got {}", in.size());
    if (!with_type(in[0]->dtype, [](auto) {}))
      return error("cannot cast from {}", graph::dtype_name(in[0]->dtype));
    return set_output(out[0], dst_, in[0]->shape);
  }
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }
  Status compute(const Inputs& in, const Outputs& out) const override {
    with_type(in[0]->dtype, [&](auto s) {
      with_type(dst_, [&](auto d) {
        cast_loop<decltype(d), decltype(s)>(in[0]->data, out[0]->data, in[0]->count);
      });
    });
    return Status::ok();
  }

 private:
  DataType dst_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_cast(const graph::Node& node, const KernelOptions&) {
  AMCT_ASSIGN_OR_RETURN(DataType dst, node.attr_type("DstT"));
  if (!with_type(dst, [](auto) {})) return error("{}: cannot cast to {}", node.describe(), graph::dtype_name(dst));
  return std::unique_ptr<Kernel>(std::make_unique<CastKernel>(dst));
}

}  // namespace amct::runtime
