// fp32 Conv2DBackpropInput on oneDNN's deconvolution. oneDNN defines a
// deconvolution as the data gradient of the convolution with the same
// weights, strides and paddings, so TF's forward geometry maps straight on:
// deconv src = out_backprop, dst = the output, weights {OC = C, IC = M, KH, KW}
// read from TF's [KH,KW,C,M] through explicit strides. Activations stay NHWC;
// the primitive picks its weight format and constant weights are reordered once.
#include <vector>

#include "runtime/deconv_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/packed_weights.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

class DeconvExec : public Exec {
 public:
  dnnl::deconvolution_forward prim;
  memory src, dst;
  onednn::FilterWeights weights;

  Status run(const Inputs& in, const Outputs& out) override {
    return onednn::guarded("deconvolution", [&] {
      auto& stream = onednn::cpu_stream();
      src.set_data_handle(in[2]->data);
      dst.set_data_handle(out[0]->data);
      weights.refresh(stream, in[1]->data);
      prim.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights.memory()}, {DNNL_ARG_DST, dst}});
      stream.wait();
    });
  }
};

class OnednnDeconvF32 : public DeconvKernel {
 public:
  using DeconvKernel::DeconvKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry g, geometry(in));
    // out_backprop is empty only when the output is (equal batch, >= 1 window per non-empty dim).
    if (out[0]->count == 0 || in[2]->count == 0) return std::unique_ptr<Exec>(std::make_unique<EmptyExec>());
    auto exec = std::make_unique<DeconvExec>();
    AMCT_RETURN_IF_ERROR(onednn::guarded("deconvolution setup", [&] { build(g, *in[1], exec.get()); }));
    return std::unique_ptr<Exec>(std::move(exec));
  }

 private:
  void build(const ConvGeometry& g, const Value& filter, DeconvExec* exec) {
    auto& engine = onednn::cpu_engine();
    const memory::desc src_md({g.n, g.oc, g.oh, g.ow}, kF32, Tag::nhwc);
    const memory::desc dst_md({g.n, g.ic, g.ih, g.iw}, kF32, Tag::nhwc);
    // oneDNN has no "hwoi" tag: TF's [KH,KW,C,M] as strides of dims {C, M, KH, KW}.
    const memory::dims wdims{g.ic, g.oc, g.kh, g.kw};
    const memory::desc user_w_md = onednn::plain_md(wdims, {g.oc, 1, g.kw * g.ic * g.oc, g.ic * g.oc});
    const memory::desc any_w_md(wdims, kF32, Tag::any);
    const memory::dims strides{spec_.stride_h, spec_.stride_w};
    const memory::dims dilates{spec_.dilation_h - 1, spec_.dilation_w - 1};
    const memory::dims pad_l{g.pad_t, g.pad_l}, pad_r{g.pad_b, g.pad_r};
    const dnnl::deconvolution_forward::desc desc(dnnl::prop_kind::forward_inference,
                                                 dnnl::algorithm::deconvolution_direct, src_md, any_w_md, dst_md,
                                                 strides, dilates, pad_l, pad_r);
    const dnnl::deconvolution_forward::primitive_desc pd(desc, engine);
    exec->prim = dnnl::deconvolution_forward(pd);
    exec->src = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
    exec->dst = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
    exec->weights.bind(packed_, pd.weights_desc(), user_w_md, filter.known, filter.data);
  }

  onednn::PackedWeights packed_;
};

}  // namespace

std::unique_ptr<DeconvKernel> make_onednn_deconv_f32(ConvSpec spec) {
  return std::make_unique<OnednnDeconvF32>(std::move(spec));
}

}  // namespace amct::runtime
