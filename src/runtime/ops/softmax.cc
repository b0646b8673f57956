// Softmax over the last dim, in TF's order: subtract the row max, exp, then
// multiply by the inverse of the row sum.
#include <cmath>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

class SoftmaxKernel : public Kernel {
 public:
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 1) return error("expected 1 input, got {}", in.size());
    if (in[0]->dtype != DataType::kFloat || in[0]->rank() < 1)
      return error("logits {} must be float32 with at least 1 dim", describe(*in[0]));
    return set_output(out[0], DataType::kFloat, in[0]->shape);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
  bool per_sample(const Inputs& in, const Outputs&) const override { return in[0]->rank() >= 2; }
  Status compute(const Inputs& in, const Outputs& out) const override {
    const int64_t classes = in[0]->shape.back();
    if (classes == 0) return Status::ok();
    const int64_t rows = in[0]->count / classes;
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / classes), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const float* xr = x + r * classes;
        float* yr = y + r * classes;
        float mx = xr[0];
        for (int64_t j = 1; j < classes; ++j) mx = mx < xr[j] ? xr[j] : mx;
        float sum = 0.0f;
        for (int64_t j = 0; j < classes; ++j) {
          yr[j] = std::exp(xr[j] - mx);
          sum += yr[j];
        }
        const float inv = 1.0f / sum;
        for (int64_t j = 0; j < classes; ++j) yr[j] *= inv;
      }
    });
    return Status::ok();
  }
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_softmax(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<SoftmaxKernel>());
}

}  // namespace amct::runtime
