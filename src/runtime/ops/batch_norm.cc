// FusedBatchNorm / V2 / V3 in inference mode (is_training false), NHWC:
// y = (x - mean) * (rsqrt(variance + epsilon) * scale) + offset, the order of
// TF's CPU kernel.
#include <cmath>
#include <vector>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

class BatchNormKernel : public Kernel {
 public:
  explicit BatchNormKernel(float epsilon) : epsilon_(epsilon) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 5) return error("expected 5 inputs, got {}", in.size());
    if (in[0]->dtype != DataType::kFloat || in[0]->rank() != 4)
      return error("input {} must be float32 NHWC", describe(*in[0]));
    const int64_t c = in[0]->shape[3];
    for (size_t i = 1; i < 5; ++i) {
      if (in[i]->dtype != DataType::kFloat || in[i]->rank() != 1 || in[i]->shape[0] != c)
        return error("input {} is {}, expected float32 [{}]", i, describe(*in[i]), c);
    }
    return set_output(out[0], DataType::kFloat, in[0]->shape);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
  bool per_sample(const Inputs& in, const Outputs&) const override {
    return in[1]->known && in[2]->known && in[3]->known && in[4]->known;
  }
  Status compute(const Inputs& in, const Outputs& out) const override {
    const int64_t c = in[0]->shape[3];
    const float* scale = in[1]->as<float>();
    const float* offset = in[2]->as<float>();
    const float* mean = in[3]->as<float>();
    const float* var = in[4]->as<float>();
    std::vector<float> factor(static_cast<size_t>(c));
    for (int64_t j = 0; j < c; ++j) factor[static_cast<size_t>(j)] = 1.0f / std::sqrt(var[j] + epsilon_) * scale[j];
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    const int64_t rows = c ? in[0]->count / c : 0;
    const float* f = factor.data();
    parallel_for(rows, c >= kParallelGrain ? 1 : kParallelGrain / std::max<int64_t>(c, 1), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const float* xr = x + r * c;
        float* yr = y + r * c;
        for (int64_t j = 0; j < c; ++j) yr[j] = (xr[j] - mean[j]) * f[j] + offset[j];
      }
    });
    return Status::ok();
  }

 private:
  float epsilon_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_fused_batch_norm(const graph::Node& node, const KernelOptions&) {
  if (node.attr_bool_or("is_training", true))
    return error("{}: is_training must be false (inference only)", node.describe());
  const std::string fmt = node.attr_string_or("data_format", "NHWC");
  if (fmt != "NHWC") return error("{}: data_format '{}' is not supported (NHWC only)", node.describe(), fmt);
  return std::unique_ptr<Kernel>(std::make_unique<BatchNormKernel>(node.attr_float_or("epsilon", 1e-4f)));
}

}  // namespace amct::runtime
