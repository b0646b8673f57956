#include "runtime/deconv_kernel.h"

namespace amct::runtime {
namespace {

// An output dim beyond this is nonsense and would risk overflow downstream.
constexpr int64_t kMaxDim = int64_t{1} << 31;

const char* padding_name(PaddingMode p) {
  switch (p) {
    case PaddingMode::kSame: return "SAME";
    case PaddingMode::kValid: return "VALID";
    case PaddingMode::kExplicit: return "EXPLICIT";
  }
  return "?";
}

}  // namespace

Expected<Shape> read_input_sizes(const Value& sizes, const Shape& filter, const Shape& out_backprop) {
  if (sizes.dtype != DataType::kInt32 && sizes.dtype != DataType::kInt64)
    return error("input_sizes {} must be int32 or int64", describe(sizes));
  if (sizes.rank() != 1 || (sizes.count != 4 && sizes.count != 2))
    return error("input_sizes {} must be a vector of 4 (NHWC) or 2 (H, W) entries", describe(sizes));
  Shape v(static_cast<size_t>(sizes.count));
  for (size_t i = 0; i < v.size(); ++i) {
    v[i] = sizes.dtype == DataType::kInt32 ? sizes.as<int32_t>()[i] : sizes.as<int64_t>()[i];
    if (v[i] < 0 || v[i] > kMaxDim) return error("input_sizes has out-of-range entry {}", v[i]);
  }
  if (v.size() == 4) return v;
  // TF's spatial-only form: the rest comes from the other two inputs.
  if (out_backprop.size() != 4 || filter.size() != 4)
    return error("input_sizes with 2 entries needs a 4-D out_backprop and filter, got {} and {}",
                 graph::shape_str(out_backprop), graph::shape_str(filter));
  return Shape{out_backprop[0], v[0], v[1], filter[2]};
}

Expected<ConvGeometry> deconv_geometry(const ConvSpec& spec, const Shape& output, const Shape& filter,
                                       const Shape& out_backprop) {
  if (output.size() != 4)
    return error("input_sizes {} has {} dims, expected 4 (NHWC)", graph::shape_str(output), output.size());
  if (filter.size() != 4)
    return error("filter has shape {}, expected 4 dims [KH,KW,out_channels,in_channels]", graph::shape_str(filter));
  if (out_backprop.size() != 4)
    return error("out_backprop has shape {}, expected 4 dims (NHWC)", graph::shape_str(out_backprop));
  if (filter[2] != output[3])
    return error("filter {} makes {} output channels, input_sizes {} asks for {}", graph::shape_str(filter),
                 filter[2], graph::shape_str(output), output[3]);
  if (filter[3] != out_backprop[3])
    return error("filter {} reads {} input channels, out_backprop {} has {}", graph::shape_str(filter), filter[3],
                 graph::shape_str(out_backprop), out_backprop[3]);
  if (output[0] != out_backprop[0])
    return error("input_sizes {} and out_backprop {} have different batch sizes", graph::shape_str(output),
                 graph::shape_str(out_backprop));
  ConvSpec forward = spec;
  forward.depthwise = false;
  forward.bias = graph::Tensor();
  auto g = conv_geometry(forward, output, filter);
  if (!g.ok()) return g.status().with_context("input_sizes " + graph::shape_str(output));
  if (g->oh != out_backprop[1] || g->ow != out_backprop[2])
    return error("out_backprop {} does not match input_sizes {}: Conv2D of that input with filter {} (strides {}x{}, "
                 "dilations {}x{}, padding {}) gives {}x{}",
                 graph::shape_str(out_backprop), graph::shape_str(output), graph::shape_str(filter), spec.stride_h,
                 spec.stride_w, spec.dilation_h, spec.dilation_w, padding_name(spec.padding), g->oh, g->ow);
  return g;
}

Expected<ConvGeometry> DeconvKernel::geometry(const Inputs& in) const {
  if (in.size() != 3) return error("expected 3 inputs (input_sizes, filter, out_backprop), got {}", in.size());
  if (!in[0]->known)
    return error("input_sizes {} must be constant or computable from input shapes", describe(*in[0]));
  if (in[1]->dtype != DataType::kFloat || in[2]->dtype != DataType::kFloat)
    return error("filter {} and out_backprop {} must be float32", describe(*in[1]), describe(*in[2]));
  AMCT_ASSIGN_OR_RETURN(Shape output, read_input_sizes(*in[0], in[1]->shape, in[2]->shape));
  return deconv_geometry(spec_, output, in[1]->shape, in[2]->shape);
}

Status DeconvKernel::infer(const Inputs& in, const Outputs& out) const {
  AMCT_ASSIGN_OR_RETURN(ConvGeometry g, geometry(in));
  return set_output(out[0], DataType::kFloat, {g.n, g.ih, g.iw, g.ic});
}

std::unique_ptr<DeconvKernel> make_deconv_kernel(ConvSpec spec, bool reference) {
  return reference ? make_ref_deconv(std::move(spec)) : make_onednn_deconv_f32(std::move(spec));
}

Expected<std::unique_ptr<Kernel>> make_deconv(const graph::Node& node, const KernelOptions& opts) {
  // The attributes are the forward convolution's (NCHW and bad strides are refused there).
  AMCT_ASSIGN_OR_RETURN(ConvSpec spec, parse_conv_spec(node));
  return std::unique_ptr<Kernel>(make_deconv_kernel(std::move(spec), opts.reference));
}

}  // namespace amct::runtime
