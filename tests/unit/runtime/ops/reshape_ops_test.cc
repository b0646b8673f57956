// Identity, Reshape, Squeeze, ExpandDims and Shape.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(ReshapeOps, ReshapeInfersMinusOne) {
  Graph g = build({placeholder("x", {-1, 6}), const_node("s", ints32({2}, {-1, 3})), make_node("y", "Reshape", {"x", "s"})});
  const Tensor x = random_floats({4, 6}, 1);
  auto out = run(g, {"y"}, {{"x", x}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{8, 3}));
  EXPECT_EQ(values(out[0]), values(x));
  EXPECT_NE(failure(g, {"y"}, {{"x", random_floats({1, 4}, 1)}}).find("placeholder expects [-1,6]"), std::string::npos);
  Graph bad = build({placeholder("x", {-1, -1}), const_node("s", ints32({2}, {-1, 4})), make_node("y", "Reshape", {"x", "s"})});
  EXPECT_NE(failure(bad, {"y"}, {{"x", random_floats({3, 3}, 1)}}).find("node 'y' (Reshape): cannot reshape"),
            std::string::npos);
}

TEST(ReshapeOps, SqueezeAllOrListedDims) {
  Graph g = build({placeholder("x", {1, 1, 3, 1}), make_node("all", "Squeeze", {"x"}),
                   make_node("some", "Squeeze", {"x"}, {{"squeeze_dims", AttrValue::of_ints({1, -1})}}),
                   make_node("bad", "Squeeze", {"x"}, {{"squeeze_dims", AttrValue::of_ints({2})}})});
  auto out = run(g, {"all", "some"}, {{"x", random_floats({1, 1, 3, 1}, 1)}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].shape(), (Shape{3}));
  EXPECT_EQ(out[1].shape(), (Shape{1, 3}));
  EXPECT_NE(failure(g, {"bad"}, {{"x", random_floats({1, 1, 3, 1}, 1)}}).find("cannot squeeze dim 2"), std::string::npos);
}

TEST(ReshapeOps, ExpandDimsShapeAndIdentity) {
  Graph g = build({placeholder("x", {2, 3}, DataType::kInt32), const_node("d", ints32({}, {-1})),
                   make_node("e", "ExpandDims", {"x", "d"}), make_node("i", "Identity", {"x"}),
                   make_node("s", "Shape", {"e"}, {{"out_type", AttrValue::of_type(DataType::kInt64)}})});
  const Tensor x = ints32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto out = run(g, {"e", "i", "s"}, {{"x", x}});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 3, 1}));
  EXPECT_TRUE(out[1].equals(x));
  EXPECT_EQ(out[2].to_int64_vector(), (std::vector<int64_t>{2, 3, 1}));
  // Outputs are copies: the caller's feed is not aliased.
  EXPECT_NE(out[1].raw(), x.raw());
}

}  // namespace
}  // namespace amct::runtime
