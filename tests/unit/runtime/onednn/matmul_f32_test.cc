// oneDNN MatMul against the scalar reference: transposes, fused bias and ReLU.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

constexpr float kMatMulTol = 1e-4f;  // k <= 300 products of values in [-1, 1]

TEST(OnednnMatMulF32, MatchesReferenceWithTransposesBiasAndRelu) {
  uint32_t seed = 20;
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (auto [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{1, 784, 10}, {3, 17, 5}, {32, 300, 33}})
        for (int post = 0; post < 3; ++post) {
          SCOPED_TRACE("ta " + std::to_string(ta) + " tb " + std::to_string(tb) + " m" + std::to_string(m) + " k" +
                       std::to_string(k) + " n" + std::to_string(n) + " post " + std::to_string(post));
          const Shape a_shape = ta ? Shape{k, m} : Shape{m, k};
          const Shape b_shape = tb ? Shape{n, k} : Shape{k, n};
          std::vector<Node> nodes = {
              placeholder("a", {-1, -1}), const_node("b", random_floats(b_shape, seed++)),
              make_node("mm", "MatMul", {"a", "b"},
                        {{"transpose_a", AttrValue::of_bool(ta)}, {"transpose_b", AttrValue::of_bool(tb)}})};
          std::string out = "mm";
          if (post >= 1) {
            nodes.push_back(const_node("bias", random_floats({n}, seed++)));
            nodes.push_back(make_node("add", "Add", {"mm", "bias"}));
            out = "add";
          }
          if (post == 2) {
            nodes.push_back(make_node("relu", "Relu", {"add"}));
            out = "relu";
          }
          Graph g = build(nodes);
          auto [fast, ref] = run_both(g, out, {{"a", random_floats(a_shape, seed++)}});
          ASSERT_EQ(fast.shape(), (Shape{m, n}));
          EXPECT_LE(max_abs_diff(fast, ref), kMatMulTol);
        }
}

TEST(OnednnMatMulF32, SmallProductByHand) {
  Graph g = build({placeholder("a", {2, 2}), placeholder("b", {2, 2}),
                   make_node("mm", "MatMul", {"a", "b"}, {{"transpose_b", AttrValue::of_bool(true)}})});
  auto [fast, ref] = run_both(g, "mm", {{"a", floats({2, 2}, {1, 2, 3, 4})}, {"b", floats({2, 2}, {5, 6, 7, 8})}});
  // a * b^T
  EXPECT_EQ(values(fast), (std::vector<float>{17, 23, 39, 53}));
  EXPECT_EQ(values(ref), values(fast));
}

TEST(OnednnMatMulF32, InnerDimensionMismatchIsAnError) {
  Graph g = build({placeholder("a", {-1, -1}), placeholder("b", {-1, -1}), make_node("mm", "MatMul", {"a", "b"})});
  const std::string msg =
      failure(g, {"mm"}, {{"a", random_floats({2, 3}, 1)}, {"b", random_floats({4, 5}, 2)}});
  EXPECT_NE(msg.find("node 'mm' (MatMul): inner dimensions differ"), std::string::npos) << msg;
}

}  // namespace
}  // namespace amct::runtime
