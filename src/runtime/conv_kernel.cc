#include "runtime/conv_kernel.h"

namespace amct::runtime {

Status ConvKernel::infer(const Inputs& in, const Outputs& out) const {
  const size_t want = spec_.sum ? 3 : 2;
  if (in.size() != want) return error("expected {} inputs, got {}", want, in.size());
  if (in[0]->dtype != DataType::kFloat || in[1]->dtype != DataType::kFloat)
    return error("input {} and filter {} must be float32", describe(*in[0]), describe(*in[1]));
  AMCT_ASSIGN_OR_RETURN(ConvGeometry g, conv_geometry(spec_, in[0]->shape, in[1]->shape));
  AMCT_RETURN_IF_ERROR(set_output(out[0], DataType::kFloat, {g.n, g.oh, g.ow, g.oc}));
  if (!spec_.channel_scale.empty() && spec_.channel_scale.num_elements() != g.oc)
    return error("fused channel scale has {} values for {} output channels", spec_.channel_scale.num_elements(), g.oc);
  if (spec_.sum && (in[2]->dtype != DataType::kFloat || in[2]->shape != out[0]->shape))
    return error("fused residual {} does not match the convolution output {}", describe(*in[2]),
                 describe(*out[0]));
  return Status::ok();
}

int ConvKernel::inplace_input(const Inputs& in, const Outputs& out) const {
  // The sum post-op accumulates into dst: writing over a dying residual saves a copy.
  return spec_.sum ? 2 : -1;
}

std::unique_ptr<ConvKernel> make_conv_kernel(ConvSpec spec, bool reference) {
  return reference ? make_ref_conv(std::move(spec)) : make_onednn_conv_f32(std::move(spec));
}

Expected<std::unique_ptr<Kernel>> make_conv(const graph::Node& node, const KernelOptions& opts) {
  AMCT_ASSIGN_OR_RETURN(ConvSpec spec, parse_conv_spec(node));
  return std::unique_ptr<Kernel>(make_conv_kernel(std::move(spec), opts.reference));
}

}  // namespace amct::runtime
