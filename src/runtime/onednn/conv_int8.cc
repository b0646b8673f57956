// INT8 Conv2D / depthwise convolution on oneDNN (u8/s8 activations NHWC, s8
// weights, s32 bias, per-channel output scales). The weight format is the
// primitive's choice (format_tag::any), reordered once per format. An input
// zero point is folded into the bias; where the window reads padding, the input
// is first copied into a buffer whose border holds the zero point (real 0, as
// the simulation pads the dequantized tensor). oneDNN 2.6's own src zero points
// (jit_int8) gave wrong results when instances ran on several threads at once.
#include <cstring>
#include <unordered_map>

#include "runtime/int8/qconv_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/int8_attr.h"
#include "runtime/onednn/packed_weights.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

class QConvExec : public Exec {
 public:
  dnnl::convolution_forward prim;
  memory src, weights, bias, dst, scratchpad;
  std::vector<int32_t> bias_values;
  bool sum = false;
  std::unordered_map<int, memory> args;

  // Explicit zero-point padding: rows of the input copied into `padded`.
  bool pad_input = false;
  int64_t n = 0, ih = 0, iw = 0, ic = 0, pad_t = 0, pad_l = 0, ph = 0, pw = 0;
  std::vector<uint8_t> padded;

  void copy_into_padding(const uint8_t* x) {
    const size_t row = static_cast<size_t>(iw * ic);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t h = 0; h < ih; ++h)
        std::memcpy(padded.data() + static_cast<size_t>(((b * ph + h + pad_t) * pw + pad_l) * ic),
                    x + static_cast<size_t>(b * ih + h) * row, row);
  }

  Status run(const Inputs& in, const Outputs& out) override {
    if (sum && out[0]->data != in[1]->data) std::memcpy(out[0]->data, in[1]->data, out[0]->byte_size());
    if (pad_input) copy_into_padding(in[0]->as<uint8_t>());
    return onednn::guarded("int8 convolution", [&] {
      src.set_data_handle(pad_input ? static_cast<void*>(padded.data()) : in[0]->data);
      dst.set_data_handle(out[0]->data);
      prim.execute(onednn::cpu_stream(), args);
      onednn::cpu_stream().wait();
    });
  }
};

class OnednnQConv : public QConvKernel {
 public:
  using QConvKernel::QConvKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry g, conv_geometry(spec_.conv, in[0]->shape, spec_.q.weights.shape()));
    if (out[0]->count == 0 || in[0]->count == 0) return std::unique_ptr<Exec>(std::make_unique<EmptyExec>());
    auto exec = std::make_unique<QConvExec>();
    exec->sum = spec_.q.sum;
    const int32_t zp = spec_.q.in.zero_point();
    ConvGeometry pg = g;
    if (zp != 0 && (g.pad_t || g.pad_b || g.pad_l || g.pad_r)) {
      // u8 storage (a nonzero zero point): the border is the zero point.
      exec->pad_input = true;
      exec->n = g.n, exec->ih = g.ih, exec->iw = g.iw, exec->ic = g.ic, exec->pad_t = g.pad_t, exec->pad_l = g.pad_l;
      exec->ph = g.ih + g.pad_t + g.pad_b;
      exec->pw = g.iw + g.pad_l + g.pad_r;
      AMCT_ASSIGN_OR_RETURN(int64_t count, graph::checked_num_elements({g.n, exec->ph, exec->pw, g.ic}));
      exec->padded.assign(static_cast<size_t>(count), static_cast<uint8_t>(zp));
      pg.ih = exec->ph;
      pg.iw = exec->pw;
      pg.pad_t = pg.pad_b = pg.pad_l = pg.pad_r = 0;
    }
    AMCT_ASSIGN_OR_RETURN(exec->bias_values, onednn::folded_bias(spec_.q, zp));
    AMCT_ASSIGN_OR_RETURN(dnnl::primitive_attr attr, onednn::int8_attr(spec_.q));
    AMCT_RETURN_IF_ERROR(onednn::guarded("int8 convolution setup", [&] { build(pg, attr, exec.get()); }));
    return std::unique_ptr<Exec>(std::move(exec));
  }

 private:
  void build(const ConvGeometry& g, const dnnl::primitive_attr& attr, QConvExec* exec) {
    auto& engine = onednn::cpu_engine();
    const auto s8 = memory::data_type::s8;
    const memory::desc src_md({g.n, g.ic, g.ih, g.iw}, onednn::dnnl_type(spec_.q.in.storage()), Tag::nhwc);
    const memory::desc dst_md({g.n, g.oc, g.oh, g.ow}, onednn::dnnl_type(spec_.q.output_dtype()), Tag::nhwc);
    const bool dw = spec_.conv.depthwise;
    const memory::dims wdims = dw ? memory::dims{g.groups, g.multiplier, 1, g.kh, g.kw} : memory::dims{g.oc, g.ic, g.kh, g.kw};
    const memory::desc bias_md({g.oc}, memory::data_type::s32, Tag::x);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md, memory::desc(wdims, s8, Tag::any),
        bias_md, dst_md, {spec_.conv.stride_h, spec_.conv.stride_w},
        {spec_.conv.dilation_h - 1, spec_.conv.dilation_w - 1}, {g.pad_t, g.pad_l}, {g.pad_b, g.pad_r});
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, engine);
    exec->prim = dnnl::convolution_forward(pd);
    exec->src = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
    exec->dst = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
    exec->bias = memory(bias_md, engine, exec->bias_values.data());
    exec->weights = packed_.get(pd.weights_desc(), memory::desc(wdims, s8, dw ? Tag::hwigo : Tag::hwio),
                                 spec_.q.weights.raw());
    exec->args = {{DNNL_ARG_SRC, exec->src}, {DNNL_ARG_WEIGHTS, exec->weights}, {DNNL_ARG_BIAS, exec->bias},
                  {DNNL_ARG_DST, exec->dst}};
    exec->scratchpad = memory(pd.scratchpad_desc(), engine);
    exec->args[DNNL_ARG_SCRATCHPAD] = exec->scratchpad;
  }

  // The s8 weights in the primitive's format (with the s8-source compensation
  // oneDNN's format may carry), reordered once per format.
  onednn::PackedWeights packed_;
};

}  // namespace

std::unique_ptr<QConvKernel> make_onednn_qconv(QConvSpec spec) { return std::make_unique<OnednnQConv>(std::move(spec)); }

}  // namespace amct::runtime
