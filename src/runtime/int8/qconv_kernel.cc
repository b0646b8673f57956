#include "runtime/int8/qconv_kernel.h"

#include "runtime/int8/int8_ops.h"
#include "runtime/int8/qdwconv_avx512.h"

namespace amct::runtime {

Status QConvKernel::infer(const Inputs& in, const Outputs& out) const {
  const size_t want = spec_.q.sum ? 2 : 1;
  if (in.size() != want) return error("expected {} inputs, got {}", want, in.size());
  if (in[0]->dtype != spec_.q.in.storage())
    return error("input {} must be {}", describe(*in[0]), graph::dtype_name(spec_.q.in.storage()));
  AMCT_ASSIGN_OR_RETURN(ConvGeometry g, conv_geometry(spec_.conv, in[0]->shape, spec_.q.weights.shape()));
  AMCT_RETURN_IF_ERROR(set_output(out[0], spec_.q.output_dtype(), {g.n, g.oh, g.ow, g.oc}));
  if (spec_.q.sum && (in[1]->dtype != DataType::kFloat || in[1]->shape != out[0]->shape || spec_.q.requant))
    return error("fused residual {} does not match the convolution output {}", describe(*in[1]), describe(*out[0]));
  return Status::ok();
}

Expected<std::unique_ptr<Kernel>> make_qconv(const graph::Node& node, const KernelOptions&) {
  graph::Node conv = node;  // parse_conv_spec reads the TF attributes and the op type
  conv.op = node.op == "AmctQDepthwiseConv2dNative" ? "DepthwiseConv2dNative" : "Conv2D";
  QConvSpec spec;
  AMCT_ASSIGN_OR_RETURN(spec.conv, parse_conv_spec(conv));
  AMCT_ASSIGN_OR_RETURN(spec.q, parse_qlayer(node, true));
  if (spec.q.weights.rank() != 4)
    return error("{}: weights {} must have 4 dims", node.describe(), graph::shape_str(spec.q.weights.shape()));
  return std::unique_ptr<Kernel>(make_int8_qconv(std::move(spec)));
}

std::unique_ptr<QConvKernel> make_int8_qconv(QConvSpec spec) {
  if (avx512_qdwconv_supports(spec)) return make_avx512_qdwconv(std::move(spec));
  return make_onednn_qconv(std::move(spec));
}

}  // namespace amct::runtime
