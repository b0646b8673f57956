// FakeQuantWithMinMaxVars / ...PerChannel / ...Args with TensorFlow's nudging
// (fake_quant_ops_functor.h): the range is shifted so that 0 is exactly
// representable, then x -> floor((clamp(x) - nudged_min) / scale + 0.5) * scale + nudged_min.
#include <cmath>
#include <vector>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

struct Nudged {
  float min = 0.0f, max = 0.0f, scale = 1.0f, inv_scale = 1.0f;
  bool zero = false;  // min == max == 0: TF outputs zeros
};

Nudged nudge(float min, float max, int quant_min, int quant_max) {
  Nudged n;
  if (min == 0.0f && max == 0.0f) {
    n.zero = true;
    return n;
  }
  const float qmin = static_cast<float>(quant_min), qmax = static_cast<float>(quant_max);
  n.scale = (max - min) / (qmax - qmin);
  const float zero_from_min = qmin - min / n.scale;
  float zp;
  if (zero_from_min < qmin) zp = qmin;
  else if (zero_from_min > qmax) zp = qmax;
  else zp = std::round(zero_from_min);  // TF's StdRound: half away from zero
  n.min = (qmin - zp) * n.scale;
  n.max = (qmax - zp) * n.scale;
  n.inv_scale = 1.0f / n.scale;
  return n;
}

// clamp - nudged_min is >= 0, so floor(v + 0.5) is a truncation; the clamps are
// written so a NaN lands on a bound instead of reaching the integer conversion.
inline float quantize(float x, const Nudged& n) {
  const float lo = x > n.min ? x : n.min;
  const float c = lo < n.max ? lo : n.max;
  const float v = (c - n.min) * n.inv_scale + 0.5f;
  return static_cast<float>(static_cast<int32_t>(v)) * n.scale + n.min;
}

void quantize_range(const float* x, float* y, int64_t len, const Nudged& n) {
  if (n.zero) {
    for (int64_t i = 0; i < len; ++i) y[i] = 0.0f;
    return;
  }
  for (int64_t i = 0; i < len; ++i) y[i] = quantize(x[i], n);
}

enum class Mode { kVars, kPerChannel, kArgs };

class FakeQuantKernel : public Kernel {
 public:
  FakeQuantKernel(Mode mode, int quant_min, int quant_max, float arg_min, float arg_max)
      : mode_(mode), quant_min_(quant_min), quant_max_(quant_max), arg_min_(arg_min), arg_max_(arg_max) {}

  Status infer(const Inputs& in, const Outputs& out) const override {
    const size_t want = mode_ == Mode::kArgs ? 1 : 3;
    if (in.size() != want) return error("expected {} inputs, got {}", want, in.size());
    if (in[0]->dtype != DataType::kFloat) return error("input {} must be float32", describe(*in[0]));
    if (mode_ != Mode::kArgs) {
      const int64_t want_count = mode_ == Mode::kPerChannel ? (in[0]->rank() ? in[0]->shape.back() : -1) : 1;
      for (size_t i = 1; i <= 2; ++i) {
        if (in[i]->dtype != DataType::kFloat || in[i]->count != want_count ||
            (mode_ == Mode::kPerChannel && in[i]->rank() != 1))
          return error("min/max input {} must be float32 with {} value(s) for input {}", describe(*in[i]),
                       want_count, describe(*in[0]));
      }
    }
    return set_output(out[0], DataType::kFloat, in[0]->shape);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
  bool per_sample(const Inputs& in, const Outputs&) const override {
    return mode_ == Mode::kArgs || (in[1]->known && in[2]->known);
  }

  Status compute(const Inputs& in, const Outputs& out) const override {
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    const int64_t count = in[0]->count;
    if (mode_ != Mode::kPerChannel) {
      const Nudged n = mode_ == Mode::kArgs ? nudge(arg_min_, arg_max_, quant_min_, quant_max_)
                                            : nudge(in[1]->as<float>()[0], in[2]->as<float>()[0], quant_min_, quant_max_);
      parallel_for(count, kParallelGrain, [&](int64_t b, int64_t e) { quantize_range(x + b, y + b, e - b, n); });
      return Status::ok();
    }
    const int64_t c = in[0]->shape.back();
    std::vector<Nudged> per(static_cast<size_t>(c));
    for (int64_t j = 0; j < c; ++j)
      per[static_cast<size_t>(j)] = nudge(in[1]->as<float>()[j], in[2]->as<float>()[j], quant_min_, quant_max_);
    const int64_t rows = c ? count / c : 0;
    parallel_for(rows, c >= kParallelGrain ? 1 : kParallelGrain / std::max<int64_t>(c, 1), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j) {
          const Nudged& n = per[static_cast<size_t>(j)];
          y[r * c + j] = n.zero ? 0.0f : quantize(x[r * c + j], n);
        }
    });
    return Status::ok();
  }

 private:
  Mode mode_;
  int quant_min_, quant_max_;
  float arg_min_, arg_max_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_fake_quant(const graph::Node& node, const KernelOptions&) {
  const int64_t bits = node.attr_int_or("num_bits", 8);
  if (bits < 2 || bits > 16) return error("{}: num_bits {} out of range [2, 16]", node.describe(), bits);
  const bool narrow = node.attr_bool_or("narrow_range", false);
  const int quant_min = narrow ? 1 : 0;
  const int quant_max = (1 << bits) - 1;
  Mode mode = Mode::kVars;
  if (node.op == "FakeQuantWithMinMaxVarsPerChannel") mode = Mode::kPerChannel;
  if (node.op == "FakeQuantWithMinMaxArgs") mode = Mode::kArgs;
  const float arg_min = node.attr_float_or("min", -6.0f), arg_max = node.attr_float_or("max", 6.0f);
  if (mode == Mode::kArgs && !(arg_min < arg_max))
    return error("{}: min {} must be below max {}", node.describe(), arg_min, arg_max);
  return std::unique_ptr<Kernel>(std::make_unique<FakeQuantKernel>(mode, quant_min, quant_max, arg_min, arg_max));
}

}  // namespace amct::runtime
