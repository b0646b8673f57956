// MaxPool / AvgPool (NHWC): shape checks shared by oneDNN and the reference.
#pragma once

#include <memory>

#include "runtime/conv_spec.h"
#include "runtime/kernel.h"

namespace amct::runtime {

class PoolKernel : public Kernel {
 public:
  explicit PoolKernel(PoolSpec spec) : spec_(spec) {}
  Status infer(const Inputs& in, const Outputs& out) const override;
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }

 protected:
  PoolSpec spec_;
};

Expected<std::unique_ptr<Kernel>> make_pool(const graph::Node& node, const KernelOptions& opts);
std::unique_ptr<PoolKernel> make_onednn_pool(PoolSpec spec);
std::unique_ptr<PoolKernel> make_ref_pool(PoolSpec spec);

}  // namespace amct::runtime
