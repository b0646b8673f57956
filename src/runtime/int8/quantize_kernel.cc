#include "runtime/int8/quantize_kernel.h"

#include "runtime/int8/int8_ops.h"
#include "runtime/int8/qlayer.h"
#include "runtime/ops/parallel.h"
#include "runtime/post_ops.h"

namespace amct::runtime {
namespace {

template <typename T>
void quantize_range(const ActQuant& q, const float* x, T* y, int64_t n) {
  const float lo = static_cast<float>(q.lo()), hi = static_cast<float>(q.hi());
  const float zp = static_cast<float>(q.zero_point());
  const float inv = q.inv_scale;
  for (int64_t i = 0; i < n; ++i) {
    float v = round_half_even(x[i] * inv);
    v = v < hi ? v : hi;  // ClipByValue: min with hi, then max with lo; NaN ends at hi
    v = lo < v ? v : lo;
    y[i] = static_cast<T>(static_cast<int32_t>(v + zp));
  }
}

}  // namespace

void quantize_floats(const ActQuant& q, const float* x, void* y, int64_t n) {
  parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
    if (q.storage() == DataType::kInt8) quantize_range(q, x + b, static_cast<int8_t*>(y) + b, e - b);
    else quantize_range(q, x + b, static_cast<uint8_t*>(y) + b, e - b);
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
