#include "runtime/matmul_kernel.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace ref {

void matmul(const float* a, const float* b, const float* bias, float* c, int64_t m, int64_t n, int64_t k,
            bool transpose_a, bool transpose_b, const std::vector<EltwiseOp>& eltwise) {
#pragma omp parallel for
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0.0;
      for (int64_t p = 0; p < k; ++p) {
        const float av = transpose_a ? a[p * m + i] : a[i * k + p];
        const float bv = transpose_b ? b[j * k + p] : b[p * n + j];
        acc += static_cast<double>(av) * static_cast<double>(bv);
      }
      float v = static_cast<float>(acc);
      if (bias) v += bias[j];
      c[i * n + j] = apply_all(v, eltwise);
    }
  }
}

}  // namespace ref

namespace {

class RefMatMul : public MatMulKernel {
 public:
  using MatMulKernel::MatMulKernel;
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(MatMulGeometry g, matmul_geometry(spec_, in[0]->shape, in[1]->shape));
    ref::matmul(in[0]->as<float>(), in[1]->as<float>(), spec_.bias.empty() ? nullptr : spec_.bias.data<float>(),
                out[0]->as<float>(), g.m, g.n, g.k, spec_.transpose_a, spec_.transpose_b, spec_.eltwise);
    return Status::ok();
  }
};

}  // namespace

std::unique_ptr<MatMulKernel> make_ref_matmul(MatMulSpec spec) { return std::make_unique<RefMatMul>(std::move(spec)); }

}  // namespace amct::runtime
