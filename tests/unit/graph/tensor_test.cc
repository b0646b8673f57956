#include "graph/tensor.h"

#include <gtest/gtest.h>

namespace amct::graph {
namespace {

TEST(Tensor, AllocatesAlignedZeroed) {
  Tensor t(DataType::kFloat, {2, 3});
  EXPECT_EQ(t.num_elements(), 6);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
}

TEST(Tensor, CheckedShapeRejectsNegativeAndHuge) {
  EXPECT_FALSE(checked_num_elements({2, -1}).ok());
  EXPECT_FALSE(checked_num_elements({1 << 30, 1 << 30, 1 << 30}).ok());
  EXPECT_EQ(checked_num_elements({}).value(), 1);
}

TEST(Tensor, ReshapeSharesBufferCloneDoesNot) {
  Tensor t = Tensor::from_vector<float>({4}, {1, 2, 3, 4});
  Tensor r = t.reshaped({2, 2});
  Tensor c = t.clone();
  t.data<float>()[0] = 9;
  EXPECT_EQ(r.data<float>()[0], 9);
  EXPECT_EQ(c.data<float>()[0], 1);
  EXPECT_TRUE(c.reshaped({4}).equals(Tensor::from_vector<float>({4}, {1, 2, 3, 4})));
}

}  // namespace
}  // namespace amct::graph
