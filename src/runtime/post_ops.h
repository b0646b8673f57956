// Elementwise operations that fusion appends to a convolution or matmul. Each
// is exactly one TF op on float32 (x*c, x+c, c-x, Round, ReLU, clip), so the
// fused result equals the op-by-op result.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace amct::runtime {

struct EltwiseOp {
  enum class Kind { kRelu, kClip, kMul, kAdd, kRsub, kRound };
  Kind kind = Kind::kRelu;
  float a = 0.0f;  // kClip: lo; kMul/kAdd/kRsub: the constant
  float b = 0.0f;  // kClip: hi

  static EltwiseOp relu() { return {Kind::kRelu, 0.0f, 0.0f}; }
  static EltwiseOp clip(float lo, float hi) { return {Kind::kClip, lo, hi}; }
  static EltwiseOp mul(float c) { return {Kind::kMul, c, 0.0f}; }
  static EltwiseOp add(float c) { return {Kind::kAdd, c, 0.0f}; }
  static EltwiseOp rsub(float c) { return {Kind::kRsub, c, 0.0f}; }  // c - x
  static EltwiseOp round() { return {Kind::kRound, 0.0f, 0.0f}; }
};

// Round half to even, as TF's Round. Adding and removing 2^23 rounds a float
// in [0, 2^23) to an integer in the default (nearest-even) mode, branch-free.
inline float round_half_even(float x) {
  const float kTwo23 = 8388608.0f;
  const float a = std::fabs(x);
  const float r = a < kTwo23 ? (a + kTwo23) - kTwo23 : a;
  return std::copysign(r, x);
}

inline float apply_eltwise(float v, const EltwiseOp& op) {
  switch (op.kind) {
    case EltwiseOp::Kind::kRelu: return v < 0.0f ? 0.0f : v;
    case EltwiseOp::Kind::kClip: {  // TF ClipByValue: min with hi, then max with lo
      const float m = op.b < v ? op.b : v;
      return m < op.a ? op.a : m;
    }
    case EltwiseOp::Kind::kMul: return v * op.a;
    case EltwiseOp::Kind::kAdd: return v + op.a;
    case EltwiseOp::Kind::kRsub: return op.a - v;
    case EltwiseOp::Kind::kRound: return round_half_even(v);
  }
  return v;
}

// Applies the ops in order to n floats in place (one pass per op, vectorized).
void apply_eltwise_ops(const std::vector<EltwiseOp>& ops, float* data, int64_t n);

std::string describe(const EltwiseOp& op);

}  // namespace amct::runtime
