#include "runtime/deconv_kernel.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace ref {

// Gather form: each output pixel sums the out_backprop pixels whose forward
// window tap landed on it (oh*stride - pad + kh*dilation == ih).
void conv2d_backprop_input(const ConvSpec& spec, const ConvGeometry& g, const float* filter, const float* dy,
                           float* x) {
#pragma omp parallel for collapse(2)
  for (int64_t n = 0; n < g.n; ++n) {
    for (int64_t ih = 0; ih < g.ih; ++ih) {
      for (int64_t iw = 0; iw < g.iw; ++iw) {
        for (int64_t c = 0; c < g.ic; ++c) {
          double acc = 0.0;
          for (int64_t kh = 0; kh < g.kh; ++kh) {
            const int64_t th = ih + g.pad_t - kh * spec.dilation_h;
            if (th < 0 || th % spec.stride_h != 0) continue;
            const int64_t oh = th / spec.stride_h;
            if (oh >= g.oh) continue;
            for (int64_t kw = 0; kw < g.kw; ++kw) {
              const int64_t tw = iw + g.pad_l - kw * spec.dilation_w;
              if (tw < 0 || tw % spec.stride_w != 0) continue;
              const int64_t ow = tw / spec.stride_w;
              if (ow >= g.ow) continue;
              const float* pdy = dy + ((n * g.oh + oh) * g.ow + ow) * g.oc;
              const float* pf = filter + ((kh * g.kw + kw) * g.ic + c) * g.oc;  // [KH,KW,C,M]
              for (int64_t m = 0; m < g.oc; ++m) acc += static_cast<double>(pdy[m]) * static_cast<double>(pf[m]);
            }
          }
          x[((n * g.ih + ih) * g.iw + iw) * g.ic + c] = static_cast<float>(acc);
        }
      }
    }
  }
}

}  // namespace ref

namespace {

class RefDeconv : public DeconvKernel {
 public:
  using DeconvKernel::DeconvKernel;
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry g, geometry(in));
    ref::conv2d_backprop_input(spec_, g, in[1]->as<float>(), in[2]->as<float>(), out[0]->as<float>());
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<DeconvKernel> make_ref_deconv(ConvSpec spec) { return std::make_unique<RefDeconv>(std::move(spec)); }

}  // namespace amct::runtime
