#include "runtime/pool_kernel.h"

namespace amct::runtime {

Status PoolKernel::infer(const Inputs& in, const Outputs& out) const {
  if (in.size() != 1) return error("expected 1 input, got {}", in.size());
  if (in[0]->dtype != DataType::kFloat) return error("input {} must be float32", describe(*in[0]));
  AMCT_ASSIGN_OR_RETURN(PoolGeometry g, pool_geometry(spec_, in[0]->shape));
  return set_output(out[0], DataType::kFloat, {g.n, g.oh, g.ow, g.c});
}

Expected<std::unique_ptr<Kernel>> make_pool(const graph::Node& node, const KernelOptions& opts) {
  AMCT_ASSIGN_OR_RETURN(PoolSpec spec, parse_pool_spec(node));
  if (opts.reference) return std::unique_ptr<Kernel>(make_ref_pool(spec));
  return std::unique_ptr<Kernel>(make_onednn_pool(spec));
}

}  // namespace amct::runtime
