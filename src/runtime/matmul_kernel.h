// MatMul (2-D, transpose_a/transpose_b) with optional fused bias and ReLU:
// shape checks shared by oneDNN and the reference.
#pragma once

#include <memory>

#include "runtime/conv_spec.h"
#include "runtime/kernel.h"

namespace amct::runtime {

struct MatMulSpec {
  bool transpose_a = false;
  bool transpose_b = false;
  graph::Tensor bias;  // float32 [N], set by fusion
  std::vector<EltwiseOp> eltwise;  // applied after the bias, set by fusion
};

struct MatMulGeometry {
  int64_t m = 0, n = 0, k = 0;
};

Expected<MatMulGeometry> matmul_geometry(const MatMulSpec& spec, const graph::Shape& a, const graph::Shape& b);

class MatMulKernel : public Kernel {
 public:
  explicit MatMulKernel(MatMulSpec spec) : spec_(std::move(spec)) {}
  const MatMulSpec& spec() const { return spec_; }
  Status infer(const Inputs& in, const Outputs& out) const override;
  // Rows of a are the batch; b must be weights.
  bool per_sample(const Inputs& in, const Outputs&) const override { return !spec_.transpose_a && in[1]->known; }

 protected:
  MatMulSpec spec_;
};

Expected<std::unique_ptr<Kernel>> make_matmul(const graph::Node& node, const KernelOptions& opts);
std::unique_ptr<MatMulKernel> make_matmul_kernel(MatMulSpec spec, bool reference);
std::unique_ptr<MatMulKernel> make_onednn_matmul_f32(MatMulSpec spec);
std::unique_ptr<MatMulKernel> make_ref_matmul(MatMulSpec spec);

}  // namespace amct::runtime
