#include "graph/permute.h"

#include <gtest/gtest.h>

namespace amct::graph {
namespace {

TEST(Permute, MovesAxesLikeNumpyTranspose) {
  // x[a][b][c] = 100a + 10b + c, shape [2,3,4]; perm (2,0,1): out[c][a][b].
  std::vector<int32_t> v;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c) v.push_back(100 * a + 10 * b + c);
  auto t = permute_tensor(Tensor::from_vector<int32_t>({2, 3, 4}, v), {2, 0, 1});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->shape(), (Shape{4, 2, 3}));
  for (int c = 0; c < 4; ++c)
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 3; ++b) EXPECT_EQ(t->data<int32_t>()[(c * 2 + a) * 3 + b], 100 * a + 10 * b + c);
}

TEST(Permute, InverseAndShapes) {
  const std::vector<int> p = {0, 3, 1, 2};
  EXPECT_EQ(inverse_permutation(p), (std::vector<int>{0, 2, 3, 1}));
  EXPECT_EQ(permute_shape({1, 224, 224, 3}, p), (Shape{1, 3, 224, 224}));
  EXPECT_TRUE(is_permutation(p));
  EXPECT_FALSE(is_permutation({0, 0, 1}));
  EXPECT_FALSE(is_permutation({0, 3}));
}

TEST(Permute, RejectsBadPermsAndKeepsScalars) {
  Tensor x = Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4});
  EXPECT_FALSE(permute_tensor(x, {0}).ok());
  EXPECT_FALSE(permute_tensor(x, {1, 1}).ok());
  auto s = permute_tensor(Tensor::scalar<float>(5.0f), {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->data<float>()[0], 5.0f);
  auto e = permute_tensor(Tensor(DataType::kFloat, {0, 3}), {1, 0});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->shape(), (Shape{3, 0}));
}

}  // namespace
}  // namespace amct::graph
