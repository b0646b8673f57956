#include "runtime/post_ops.h"

#include <fmt/format.h>

#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

template <EltwiseOp::Kind kind>
void apply_range(const EltwiseOp& op, float* d, int64_t n) {
  const EltwiseOp fixed{kind, op.a, op.b};
  for (int64_t i = 0; i < n; ++i) d[i] = apply_eltwise(d[i], fixed);
}

}  // namespace

void apply_eltwise_ops(const std::vector<EltwiseOp>& ops, float* data, int64_t n) {
  parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
    // Cache-sized blocks, every op over a block before the next block.
    constexpr int64_t kBlock = 4096;
    for (int64_t s = b; s < e; s += kBlock) {
      const int64_t len = std::min(kBlock, e - s);
      for (const EltwiseOp& op : ops) {
        switch (op.kind) {
          case EltwiseOp::Kind::kRelu: apply_range<EltwiseOp::Kind::kRelu>(op, data + s, len); break;
          case EltwiseOp::Kind::kClip: apply_range<EltwiseOp::Kind::kClip>(op, data + s, len); break;
          case EltwiseOp::Kind::kMul: apply_range<EltwiseOp::Kind::kMul>(op, data + s, len); break;
          case EltwiseOp::Kind::kAdd: apply_range<EltwiseOp::Kind::kAdd>(op, data + s, len); break;
          case EltwiseOp::Kind::kRsub: apply_range<EltwiseOp::Kind::kRsub>(op, data + s, len); break;
          case EltwiseOp::Kind::kRound: apply_range<EltwiseOp::Kind::kRound>(op, data + s, len); break;
        }
      }
    }
  });
}

std::string describe(const EltwiseOp& op) {
  switch (op.kind) {
    case EltwiseOp::Kind::kRelu: return "relu";
    case EltwiseOp::Kind::kClip: return fmt::format("clip({}, {})", op.a, op.b);
    case EltwiseOp::Kind::kMul: return fmt::format("mul({})", op.a);
    case EltwiseOp::Kind::kAdd: return fmt::format("add({})", op.a);
    case EltwiseOp::Kind::kRsub: return fmt::format("rsub({})", op.a);
    case EltwiseOp::Kind::kRound: return "round";
  }
  return "?";
}

}  // namespace amct::runtime
