#include "runtime/int8/quantize_kernel.h"

#include "runtime/int8/int8_ops.h"
#include "runtime/int8/qlayer.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

// Clip first (rounding commutes with a clip to integer bounds), then round
// half to even with the 1.5 * 2^23 trick (exact for |v| < 2^22): all float ops,
// so the loop vectorizes. The comparisons are ClipByValue's min/max; NaN ends at hi.
template <typename T>
inline __attribute__((always_inline)) void quantize_loop(const ActQuant& q, const float* x, T* y, int64_t n) {
  constexpr float kMagic = 12582912.0f;
  const float lo = static_cast<float>(q.lo()), hi = static_cast<float>(q.hi());
  const float zp = static_cast<float>(q.zero_point());
  const float inv = q.inv_scale;
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i] * inv;
    v = v < hi ? v : hi;
    v = lo < v ? v : lo;
    v = (v + kMagic) - kMagic;
    y[i] = static_cast<T>(static_cast<int32_t>(v + zp));
  }
}

__attribute__((target_clones("arch=skylake-avx512", "avx2", "default"))) void quantize_s8(const ActQuant& q, const float* x,
                                                                               int8_t* y, int64_t n) {
  quantize_loop(q, x, y, n);
}

__attribute__((target_clones("arch=skylake-avx512", "avx2", "default"))) void quantize_u8(const ActQuant& q, const float* x,
                                                                               uint8_t* y, int64_t n) {
  quantize_loop(q, x, y, n);
}

}  // namespace

void quantize_floats(const ActQuant& q, const float* x, void* y, int64_t n) {
  parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
    if (q.storage() == DataType::kInt8) quantize_s8(q, x + b, static_cast<int8_t*>(y) + b, e - b);
    else quantize_u8(q, x + b, static_cast<uint8_t*>(y) + b, e - b);
  });
}

Status QuantizeKernel::infer(const Inputs& in, const Outputs& out) const {
  if (in.size() != 1 || in[0]->dtype != DataType::kFloat) return error("input must be one float32 tensor");
  return set_output(out[0], q_.storage(), in[0]->shape);
}

Status QuantizeKernel::compute(const Inputs& in, const Outputs& out) const {
  quantize_floats(q_, in[0]->as<float>(), out[0]->data, in[0]->count);
  return Status::ok();
}

Expected<std::unique_ptr<Kernel>> make_quantize(const graph::Node& node, const KernelOptions&) {
  AMCT_ASSIGN_OR_RETURN(ActQuant q, parse_act_quant(node, ""));
  return std::unique_ptr<Kernel>(std::make_unique<QuantizeKernel>(q));
}

}  // namespace amct::runtime
