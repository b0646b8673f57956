// fp32 Conv2D / depthwise convolution on oneDNN. Activations stay NHWC; the
// primitive picks its weight format (format_tag::any) and constant weights are
// reordered once per format. Bias, residual add (sum) and ReLU/ReLU6 run as
// post-ops in TF's order; amct's per-channel dequant Mul as a binary post-op.
#include <cstring>
#include <unordered_map>

#include "runtime/conv_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/packed_weights.h"
#include "runtime/onednn/post_ops.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

class ConvExec : public Exec {
 public:
  dnnl::convolution_forward prim;
  memory src, bias, dst, channel_scale;
  onednn::FilterWeights weights;
  bool sum = false;
  std::unordered_map<int, memory> args;  // handles: set_data_handle above updates them
  std::vector<EltwiseOp> eltwise_after;  // post-ops the primitive could not take

  Status run(const Inputs& in, const Outputs& out) override {
    if (sum && out[0]->data != in[2]->data) std::memcpy(out[0]->data, in[2]->data, out[0]->byte_size());
    return onednn::guarded("convolution", [&] {
      auto& stream = onednn::cpu_stream();
      src.set_data_handle(in[0]->data);
      dst.set_data_handle(out[0]->data);
      weights.refresh(stream, in[1]->data);
      prim.execute(stream, args);
      stream.wait();
      if (!eltwise_after.empty()) apply_eltwise_ops(eltwise_after, out[0]->as<float>(), out[0]->count);
    });
  }
};

class OnednnConvF32 : public ConvKernel {
 public:
  using ConvKernel::ConvKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry g, conv_geometry(spec_, in[0]->shape, in[1]->shape));
    if (out[0]->count == 0 || in[0]->count == 0) return std::unique_ptr<Exec>(std::make_unique<EmptyExec>());
    auto exec = std::make_unique<ConvExec>();
    exec->sum = spec_.sum;
    AMCT_RETURN_IF_ERROR(onednn::guarded("convolution setup", [&] { build(g, *in[1], exec.get()); }));
    return std::unique_ptr<Exec>(std::move(exec));
  }

 private:
  void build(const ConvGeometry& g, const Value& filter, ConvExec* exec) {
    auto& engine = onednn::cpu_engine();
    const memory::desc src_md({g.n, g.ic, g.ih, g.iw}, kF32, Tag::nhwc);
    const memory::desc dst_md({g.n, g.oc, g.oh, g.ow}, kF32, Tag::nhwc);
    // TF filters: Conv2D HWIO; depthwise [KH,KW,C,M] = groups C, M outputs and 1 input per group.
    const memory::dims wdims = spec_.depthwise ? memory::dims{g.groups, g.multiplier, 1, g.kh, g.kw}
                                               : memory::dims{g.oc, g.ic, g.kh, g.kw};
    const memory::desc user_w_md(wdims, kF32, spec_.depthwise ? Tag::hwigo : Tag::hwio);
    const memory::desc any_w_md(wdims, kF32, Tag::any);
    const memory::dims strides{spec_.stride_h, spec_.stride_w};
    const memory::dims dilates{spec_.dilation_h - 1, spec_.dilation_w - 1};
    const memory::dims pad_l{g.pad_t, g.pad_l}, pad_r{g.pad_b, g.pad_r};
    const bool has_bias = !spec_.bias.empty();
    const auto desc = has_bias
        ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                          src_md, any_w_md, memory::desc({g.oc}, kF32, Tag::x), dst_md, strides,
                                          dilates, pad_l, pad_r)
        : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct,
                                          src_md, any_w_md, dst_md, strides, dilates, pad_l, pad_r);
    dnnl::post_ops ops;
    const bool scaled = !spec_.channel_scale.empty();
    const memory::desc scale_md({1, g.oc, 1, 1}, kF32, Tag::abcd);
    if (scaled) ops.append_binary(dnnl::algorithm::binary_mul, scale_md);  // post-op 0 (size checked by infer)
    if (spec_.sum) ops.append_sum(1.0f);
    const size_t fused = onednn::fusable_prefix(spec_.eltwise);
    onednn::append_eltwise_ops(spec_.eltwise, fused, &ops);
    exec->eltwise_after.assign(spec_.eltwise.begin() + static_cast<long>(fused), spec_.eltwise.end());
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    dnnl::convolution_forward::primitive_desc pd;
    try {
      pd = dnnl::convolution_forward::primitive_desc(desc, attr, engine);
    } catch (const dnnl::error&) {
      // An implementation without these eltwise post-ops: a loop applies them
      // afterwards (not possible with a channel scale before the residual).
      if (spec_.eltwise.empty() || scaled) throw;
      dnnl::post_ops sum_only;
      if (spec_.sum) sum_only.append_sum(1.0f);
      dnnl::primitive_attr plain;
      plain.set_post_ops(sum_only);
      pd = dnnl::convolution_forward::primitive_desc(desc, plain, engine);
      exec->eltwise_after = spec_.eltwise;
    }
    exec->prim = dnnl::convolution_forward(pd);
    exec->src = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
    exec->dst = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
    if (has_bias) exec->bias = memory(pd.bias_desc(), engine, const_cast<void*>(spec_.bias.raw()));
    exec->weights.bind(packed_, pd.weights_desc(), user_w_md, filter.known, filter.data);
    exec->args = {{DNNL_ARG_SRC, exec->src}, {DNNL_ARG_WEIGHTS, exec->weights.memory()}, {DNNL_ARG_DST, exec->dst}};
    if (has_bias) exec->args[DNNL_ARG_BIAS] = exec->bias;
    if (scaled) {
      exec->channel_scale = memory(scale_md, engine, const_cast<void*>(spec_.channel_scale.raw()));
      exec->args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1] = exec->channel_scale;
    }
  }

  onednn::PackedWeights packed_;
};

}  // namespace

std::unique_ptr<ConvKernel> make_onednn_conv_f32(ConvSpec spec) {
  return std::make_unique<OnednnConvF32>(std::move(spec));
}

}  // namespace amct::runtime
