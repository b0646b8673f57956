#include "runtime/onednn/post_ops.h"

namespace amct::runtime::onednn {

namespace {

dnnl::algorithm algorithm_of(EltwiseOp::Kind k) {
  switch (k) {
    case EltwiseOp::Kind::kRelu: return dnnl::algorithm::eltwise_relu;
    case EltwiseOp::Kind::kClip: return dnnl::algorithm::eltwise_clip;
    case EltwiseOp::Kind::kRound: return dnnl::algorithm::eltwise_round;
    case EltwiseOp::Kind::kMul:
    case EltwiseOp::Kind::kAdd:
    case EltwiseOp::Kind::kRsub: return dnnl::algorithm::eltwise_linear;
  }
  return dnnl::algorithm::undef;
}

}  // namespace

size_t fusable_prefix(const std::vector<EltwiseOp>& ops) {
  for (size_t i = 0; i < ops.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (algorithm_of(ops[i].kind) == algorithm_of(ops[j].kind)) return i;
  return ops.size();
}

void append_eltwise_ops(const std::vector<EltwiseOp>& ops, size_t count, dnnl::post_ops* out) {
  using dnnl::algorithm;
  for (size_t i = 0; i < count && i < ops.size(); ++i) {
    const EltwiseOp& op = ops[i];
    switch (op.kind) {
      case EltwiseOp::Kind::kRelu: out->append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f); break;
      case EltwiseOp::Kind::kClip: out->append_eltwise(1.0f, algorithm::eltwise_clip, op.a, op.b); break;
      case EltwiseOp::Kind::kMul: out->append_eltwise(1.0f, algorithm::eltwise_linear, op.a, 0.0f); break;
      case EltwiseOp::Kind::kAdd: out->append_eltwise(1.0f, algorithm::eltwise_linear, 1.0f, op.a); break;
      case EltwiseOp::Kind::kRsub: out->append_eltwise(1.0f, algorithm::eltwise_linear, -1.0f, op.a); break;
      case EltwiseOp::Kind::kRound: out->append_eltwise(1.0f, algorithm::eltwise_round, 0.0f, 0.0f); break;
    }
  }
}

}  // namespace amct::runtime::onednn
