#include "runtime/matmul_kernel.h"

namespace amct::runtime {

Expected<MatMulGeometry> matmul_geometry(const MatMulSpec& spec, const graph::Shape& a, const graph::Shape& b) {
  if (a.size() != 2 || b.size() != 2)
    return error("operands {} and {} must both be 2-D", graph::shape_str(a), graph::shape_str(b));
  MatMulGeometry g;
  g.m = spec.transpose_a ? a[1] : a[0];
  g.k = spec.transpose_a ? a[0] : a[1];
  const int64_t kb = spec.transpose_b ? b[1] : b[0];
  g.n = spec.transpose_b ? b[0] : b[1];
  if (kb != g.k)
    return error("inner dimensions differ: {} x {} (transpose_a {}, transpose_b {})", graph::shape_str(a),
                 graph::shape_str(b), spec.transpose_a, spec.transpose_b);
  if (!spec.bias.empty() && spec.bias.num_elements() != g.n)
    return error("bias has {} values, the product has {} columns", spec.bias.num_elements(), g.n);
  return g;
}

Status MatMulKernel::infer(const Inputs& in, const Outputs& out) const {
  if (in.size() != 2) return error("expected 2 inputs, got {}", in.size());
  if (in[0]->dtype != DataType::kFloat || in[1]->dtype != DataType::kFloat)
    return error("operands {} and {} must be float32", describe(*in[0]), describe(*in[1]));
  AMCT_ASSIGN_OR_RETURN(MatMulGeometry g, matmul_geometry(spec_, in[0]->shape, in[1]->shape));
  return set_output(out[0], DataType::kFloat, {g.m, g.n});
}

std::unique_ptr<MatMulKernel> make_matmul_kernel(MatMulSpec spec, bool reference) {
  return reference ? make_ref_matmul(std::move(spec)) : make_onednn_matmul_f32(std::move(spec));
}

Expected<std::unique_ptr<Kernel>> make_matmul(const graph::Node& node, const KernelOptions& opts) {
  MatMulSpec spec;
  spec.transpose_a = node.attr_bool_or("transpose_a", false);
  spec.transpose_b = node.attr_bool_or("transpose_b", false);
  return std::unique_ptr<Kernel>(make_matmul_kernel(std::move(spec), opts.reference));
}

}  // namespace amct::runtime
