#include <limits>

#include "runtime/pool_kernel.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace ref {

void pool2d(const PoolSpec& spec, const PoolGeometry& g, const float* x, float* y) {
#pragma omp parallel for collapse(2)
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        for (int64_t c = 0; c < g.c; ++c) {
          double sum = 0.0;
          float mx = -std::numeric_limits<float>::infinity();
          int64_t count = 0;
          for (int64_t kh = 0; kh < spec.k_h; ++kh) {
            const int64_t ih = oh * spec.stride_h - g.pad_t + kh;
            if (ih < 0 || ih >= g.ih) continue;
            for (int64_t kw = 0; kw < spec.k_w; ++kw) {
              const int64_t iw = ow * spec.stride_w - g.pad_l + kw;
              if (iw < 0 || iw >= g.iw) continue;
              const float v = x[((n * g.ih + ih) * g.iw + iw) * g.c + c];
              sum += v;
              mx = v > mx ? v : mx;
              ++count;
            }
          }
          float& out = y[((n * g.oh + oh) * g.ow + ow) * g.c + c];
          out = spec.kind == PoolKind::kMax ? mx : static_cast<float>(sum / static_cast<double>(count));
        }
      }
    }
  }
}

}  // namespace ref

namespace {

class RefPool : public PoolKernel {
 public:
  using PoolKernel::PoolKernel;
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(PoolGeometry g, pool_geometry(spec_, in[0]->shape));
    ref::pool2d(spec_, g, in[0]->as<float>(), out[0]->as<float>());
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<PoolKernel> make_ref_pool(PoolSpec spec) { return std::make_unique<RefPool>(spec); }

}  // namespace amct::runtime
