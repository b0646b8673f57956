// The scalar reference matmul on hand-checked cases.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace {

TEST(RefMatMul, TransposeAWithBiasAndRelu) {
  // a stored [k=2, m=2] = [[1,2],[3,4]]: op(a) = [[1,3],[2,4]].
  const std::vector<float> a = {1, 2, 3, 4};
  const std::vector<float> b = {1, -1, 1, -1};  // [2,2]
  const std::vector<float> bias = {0.5f, 0.5f};
  std::vector<float> c(4);
  ref::matmul(a.data(), b.data(), bias.data(), c.data(), 2, 2, 2, true, false, {EltwiseOp::relu()});
  // op(a)*b = [[4,-4],[6,-6]] + 0.5, relu
  EXPECT_EQ(c, (std::vector<float>{4.5f, 0.0f, 6.5f, 0.0f}));
}

TEST(RefMatMul, EltwiseOpsApplyInOrder) {
  EXPECT_EQ(ref::apply_all(-1.0f, {EltwiseOp::relu()}), 0.0f);
  EXPECT_EQ(ref::apply_all(7.0f, {EltwiseOp::clip(0.0f, 6.0f)}), 6.0f);
  EXPECT_EQ(ref::apply_all(-7.0f, {}), -7.0f);
  // (2.5 * 1) rounds to 2 (half to even), then 10 - 2.
  EXPECT_EQ(ref::apply_all(2.5f, {EltwiseOp::mul(1.0f), EltwiseOp::round(), EltwiseOp::rsub(10.0f)}), 8.0f);
}

}  // namespace
}  // namespace amct::runtime
