#include <algorithm>

#include "runtime/conv_kernel.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace ref {

float apply_all(float v, const std::vector<EltwiseOp>& ops) {
  for (const EltwiseOp& op : ops) v = apply_eltwise(v, op);
  return v;
}

void conv2d(const ConvSpec& spec, const ConvGeometry& g, const float* x, const float* filter,
            const float* residual, float* y) {
  const int64_t oc_per_group = g.oc / g.groups;
  const int64_t ic_per_group = g.ic / g.groups;
  const float* bias = spec.bias.empty() ? nullptr : spec.bias.data<float>();
  const float* scale = spec.channel_scale.empty() ? nullptr : spec.channel_scale.data<float>();
#pragma omp parallel for collapse(2)
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        for (int64_t oc = 0; oc < g.oc; ++oc) {
          const int64_t grp = oc / oc_per_group;
          double acc = 0.0;
          for (int64_t kh = 0; kh < g.kh; ++kh) {
            const int64_t ih = oh * spec.stride_h - g.pad_t + kh * spec.dilation_h;
            if (ih < 0 || ih >= g.ih) continue;
            for (int64_t kw = 0; kw < g.kw; ++kw) {
              const int64_t iw = ow * spec.stride_w - g.pad_l + kw * spec.dilation_w;
              if (iw < 0 || iw >= g.iw) continue;
              const float* px = x + ((n * g.ih + ih) * g.iw + iw) * g.ic;
              for (int64_t i = 0; i < ic_per_group; ++i) {
                const int64_t ic = grp * ic_per_group + i;
                // Conv2D filter [KH,KW,IC,OC]; depthwise [KH,KW,C,M] with oc = c*M + m.
                const int64_t widx = spec.depthwise ? (kh * g.kw + kw) * g.oc + oc
                                                    : ((kh * g.kw + kw) * g.ic + ic) * g.oc + oc;
                acc += static_cast<double>(px[ic]) * static_cast<double>(filter[widx]);
              }
            }
          }
          const int64_t o = ((n * g.oh + oh) * g.ow + ow) * g.oc + oc;
          float v = static_cast<float>(acc);
          if (bias) v += bias[oc];
          if (scale) v *= scale[oc];
          if (residual) v += residual[o];
          y[o] = apply_all(v, spec.eltwise);
        }
      }
    }
  }
}

}  // namespace ref

namespace {

class RefConv : public ConvKernel {
 public:
  using ConvKernel::ConvKernel;
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry g, conv_geometry(spec_, in[0]->shape, in[1]->shape));
    ref::conv2d(spec_, g, in[0]->as<float>(), in[1]->as<float>(), spec_.sum ? in[2]->as<float>() : nullptr,
                out[0]->as<float>());
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<ConvKernel> make_ref_conv(ConvSpec spec) { return std::make_unique<RefConv>(std::move(spec)); }

}  // namespace amct::runtime
