// AmctQuantize: float32 -> the ActQuant's storage (s8 or u8 with zero point),
// computing exactly the simulation's v = clip(round(x * inv_scale), lo, hi).
#pragma once

#include <memory>

#include "runtime/int8/act_quant.h"
#include "runtime/kernel.h"

namespace amct::runtime {

class QuantizeKernel : public Kernel {
 public:
  explicit QuantizeKernel(ActQuant q) : q_(q) {}
  const ActQuant& params() const { return q_; }
  Status infer(const Inputs& in, const Outputs& out) const override;
  Status compute(const Inputs& in, const Outputs& out) const override;
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }

 private:
  ActQuant q_;
};

// n floats -> n stored integers (int8_t or uint8_t by q.storage()). NaN gives hi.
void quantize_floats(const ActQuant& q, const float* x, void* y, int64_t n);

}  // namespace amct::runtime
