// Pad and PadV2 with constants.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(Pad, ZeroAndConstantPadding) {
  Graph g = build({placeholder("x", {2, 2}), const_node("p", ints32({2, 2}, {1, 0, 0, 2})), const_node("c", floats({}, {7})),
                   make_node("y", "Pad", {"x", "p"}), make_node("z", "PadV2", {"x", "p", "c"})});
  auto out = run(g, {"y", "z"}, {{"x", floats({2, 2}, {1, 2, 3, 4})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].shape(), (Shape{3, 4}));
  EXPECT_EQ(values(out[0]), (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0}));
  EXPECT_EQ(values(out[1]), (std::vector<float>{7, 7, 7, 7, 1, 2, 7, 7, 3, 4, 7, 7}));
}

TEST(Pad, NhwcSpatialPadding) {
  const Tensor x = random_floats({2, 3, 3, 4}, 3);
  Graph g = build({placeholder("x", {-1, 3, 3, 4}), const_node("p", ints32({4, 2}, {0, 0, 1, 1, 2, 0, 0, 0})),
                   make_node("y", "Pad", {"x", "p"})});
  auto out = run(g, {"y"}, {{"x", x}});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape(), (Shape{2, 5, 5, 4}));
  const float* y = out[0].data<float>();
  EXPECT_EQ(y[((1 * 5 + 2) * 5 + 3) * 4 + 1], x.data<float>()[((1 * 3 + 1) * 3 + 1) * 4 + 1]);
  EXPECT_EQ(y[((0 * 5 + 0) * 5 + 4) * 4 + 2], 0.0f);
}

TEST(Pad, NegativeOrMisshapenPaddingsAreErrors) {
  Graph g = build({placeholder("x", {2}), const_node("p", ints32({1, 2}, {-1, 0})), make_node("y", "Pad", {"x", "p"})});
  EXPECT_NE(failure(g, {"y"}, {{"x", random_floats({2}, 1)}}).find("node 'y' (Pad): padding -1 out of range"),
            std::string::npos);
  Graph g2 = build({placeholder("x", {2}), const_node("p", ints32({2, 2}, {0, 0, 0, 0})), make_node("y", "Pad", {"x", "p"})});
  EXPECT_NE(failure(g2, {"y"}, {{"x", random_floats({2}, 1)}}).find("must be [1, 2]"), std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
