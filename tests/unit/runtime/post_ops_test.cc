// The elementwise post-ops: TF semantics one by one, and the blocked loop
// equals applying them element by element.
#include "runtime/post_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace amct::runtime {
namespace {

TEST(PostOps, EachOpIsOneTfOp) {
  EXPECT_EQ(apply_eltwise(-2.0f, EltwiseOp::relu()), 0.0f);
  EXPECT_EQ(apply_eltwise(9.0f, EltwiseOp::clip(-1.0f, 6.0f)), 6.0f);
  EXPECT_EQ(apply_eltwise(-9.0f, EltwiseOp::clip(-1.0f, 6.0f)), -1.0f);
  EXPECT_EQ(apply_eltwise(3.0f, EltwiseOp::mul(0.5f)), 1.5f);
  EXPECT_EQ(apply_eltwise(3.0f, EltwiseOp::add(-0.5f)), 2.5f);
  EXPECT_EQ(apply_eltwise(3.0f, EltwiseOp::rsub(1.0f)), -2.0f);
  EXPECT_EQ(apply_eltwise(2.5f, EltwiseOp::round()), 2.0f);
  EXPECT_EQ(apply_eltwise(3.5f, EltwiseOp::round()), 4.0f);
  EXPECT_TRUE(std::signbit(apply_eltwise(-0.25f, EltwiseOp::round())));
  EXPECT_EQ(round_half_even(16777217.0f), 16777217.0f);  // beyond 2^23: already an integer
  EXPECT_EQ(describe(EltwiseOp::clip(0.0f, 6.0f)), "clip(0, 6)");
}

TEST(PostOps, BlockedLoopEqualsElementByElement) {
  const std::vector<EltwiseOp> ops = {EltwiseOp::mul(1.0f / 0.047f), EltwiseOp::round(), EltwiseOp::clip(-128.0f, 127.0f),
                                      EltwiseOp::mul(0.047f), EltwiseOp::relu()};
  std::vector<float> data(100003);
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
  for (float& v : data) v = dist(rng);
  std::vector<float> want = data;
  for (float& v : want)
    for (const EltwiseOp& op : ops) v = apply_eltwise(v, op);
  apply_eltwise_ops(ops, data.data(), static_cast<int64_t>(data.size()));
  EXPECT_EQ(data, want);
}

}  // namespace
}  // namespace amct::runtime
