// AmctQMatMul: [M,K] quantized activation x int8 [K,N] weights (no
// transposes), output float32 [M,N] or requantized for the next INT8 layer.
#pragma once

#include <memory>

#include "runtime/int8/qlayer.h"
#include "runtime/kernel.h"

namespace amct::runtime {

class QMatMulKernel : public Kernel {
 public:
  explicit QMatMulKernel(QLayerParams q) : q_(std::move(q)) {}
  const QLayerParams& params() const { return q_; }
  Status infer(const Inputs& in, const Outputs& out) const override;
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }

 protected:
  QLayerParams q_;
};

std::unique_ptr<QMatMulKernel> make_onednn_qmatmul(QLayerParams q);  // onednn/matmul_int8.cc

}  // namespace amct::runtime
