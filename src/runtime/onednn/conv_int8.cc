// INT8 Conv2D / depthwise convolution on oneDNN (u8/s8 activations NHWC, s8
// weights, s32 bias, per-channel output scales). The weight format is the
// primitive's choice (format_tag::any), reordered once per format. An input
// zero point is folded into the bias when the window never reads padding;
// otherwise oneDNN applies it, treating padding as the zero point (real 0, as
// the simulation pads the dequantized tensor).
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "runtime/int8/qconv_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/int8_attr.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

class EmptyExec : public Exec {
 public:
  Status run(const Inputs&, const Outputs&) override { return Status::ok(); }
};

class QConvExec : public Exec {
 public:
  dnnl::convolution_forward prim;
  memory src, weights, bias, dst, zero_point, scratchpad;
  std::vector<int32_t> bias_values;
  int32_t zp = 0;
  bool sum = false;
  std::unordered_map<int, memory> args;

  Status run(const Inputs& in, const Outputs& out) override {
    if (sum && out[0]->data != in[1]->data) std::memcpy(out[0]->data, in[1]->data, out[0]->byte_size());
    return onednn::guarded("int8 convolution", [&] {
      src.set_data_handle(in[0]->data);
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
    const bool padded = g.pad_t || g.pad_b || g.pad_l || g.pad_r;
    const bool runtime_zp = zp != 0 && padded;
    AMCT_ASSIGN_OR_RETURN(exec->bias_values, onednn::folded_bias(spec_.q, runtime_zp ? 0 : zp));
    AMCT_ASSIGN_OR_RETURN(dnnl::primitive_attr attr, onednn::int8_attr(spec_.q, runtime_zp));
    exec->zp = zp;
    AMCT_RETURN_IF_ERROR(onednn::guarded("int8 convolution setup", [&] { build(g, attr, runtime_zp, exec.get()); }));
    return std::unique_ptr<Exec>(std::move(exec));
  }

 private:
  void build(const ConvGeometry& g, const dnnl::primitive_attr& attr, bool runtime_zp, QConvExec* exec) {
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
    exec->weights = packed_weights(pd.weights_desc(), memory::desc(wdims, s8, dw ? Tag::hwigo : Tag::hwio));
    exec->args = {{DNNL_ARG_SRC, exec->src}, {DNNL_ARG_WEIGHTS, exec->weights}, {DNNL_ARG_BIAS, exec->bias},
                  {DNNL_ARG_DST, exec->dst}};
    exec->scratchpad = memory(pd.scratchpad_desc(), engine);
    exec->args[DNNL_ARG_SCRATCHPAD] = exec->scratchpad;
    if (runtime_zp) {
      exec->zero_point = memory(memory::desc({1}, memory::data_type::s32, Tag::x), engine, &exec->zp);
      exec->args[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = exec->zero_point;
    }
  }

  // The weights in the format `want`, reordered on first request only (with the
  // s8-source compensation oneDNN's format may carry).
  memory packed_weights(const memory::desc& want, const memory::desc& user) {
    std::lock_guard<std::mutex> lock(packed_mutex_);  // instances may be prepared on several threads
    for (auto& p : packed_)
      if (p.md == want) return p.mem;
    auto& engine = onednn::cpu_engine();
    memory src(user, engine, const_cast<void*>(spec_.q.weights.raw()));
    memory dst(want, engine);
    dnnl::reorder(src, dst).execute(onednn::cpu_stream(), src, dst);
    onednn::cpu_stream().wait();
    packed_.push_back({want, dst});
    return dst;
  }

  struct Packed {
    memory::desc md;
    memory mem;
  };
  std::vector<Packed> packed_;
  std::mutex packed_mutex_;
};

}  // namespace

std::unique_ptr<QConvKernel> make_onednn_qconv(QConvSpec spec) { return std::make_unique<OnednnQConv>(std::move(spec)); }

}  // namespace amct::runtime
