#include "runtime/int8/qmatmul_kernel.h"

#include "runtime/int8/int8_ops.h"

namespace amct::runtime {

Status QMatMulKernel::infer(const Inputs& in, const Outputs& out) const {
  if (in.size() != 1) return error("expected 1 input, got {}", in.size());
  const graph::Shape& w = q_.weights.shape();
  if (in[0]->dtype != q_.in.storage() || in[0]->rank() != 2 || in[0]->shape[1] != w[0])
    return error("input {} must be {} [M, {}]", describe(*in[0]), graph::dtype_name(q_.in.storage()), w[0]);
  return set_output(out[0], q_.output_dtype(), {in[0]->shape[0], w[1]});
}

Expected<std::unique_ptr<Kernel>> make_qmatmul(const graph::Node& node, const KernelOptions&) {
  AMCT_ASSIGN_OR_RETURN(QLayerParams q, parse_qlayer(node, true));
  if (q.weights.rank() != 2 || q.weights.shape()[0] < 1)
    return error("{}: weights {} must be [K, N]", node.describe(), graph::shape_str(q.weights.shape()));
  if (node.attr_bool_or("transpose_a", false) || node.attr_bool_or("transpose_b", false))
    return error("{}: transposed operands are not supported", node.describe());
  return std::unique_ptr<Kernel>(make_onednn_qmatmul(std::move(q)));
}

}  // namespace amct::runtime
