// ConcatV2 and Pack.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(ConcatPack, ConcatAlongLastAxis) {
  Graph g = build({placeholder("a", {2, 1}), placeholder("b", {2, 2}), const_node("axis", ints32({}, {-1})),
                   make_node("y", "ConcatV2", {"a", "b", "axis"})});
  auto out = run(g, {"y"}, {{"a", floats({2, 1}, {1, 2})}, {"b", floats({2, 2}, {3, 4, 5, 6})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(values(out[0]), (std::vector<float>{1, 3, 4, 2, 5, 6}));
}

TEST(ConcatPack, ConcatBigNhwcChannels) {
  const Tensor a = random_floats({3, 20, 20, 16}, 1), b = random_floats({3, 20, 20, 48}, 2);
  Graph g = build({placeholder("a", {-1, 20, 20, 16}), placeholder("b", {-1, 20, 20, 48}), const_node("axis", ints32({}, {3})),
                   make_node("y", "ConcatV2", {"a", "b", "axis"})});
  auto out = run(g, {"y"}, {{"a", a}, {"b", b}});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape(), (Shape{3, 20, 20, 64}));
  for (int64_t p = 0; p < 1200; ++p) {
    ASSERT_EQ(out[0].data<float>()[p * 64 + 5], a.data<float>()[p * 16 + 5]);
    ASSERT_EQ(out[0].data<float>()[p * 64 + 16 + 40], b.data<float>()[p * 48 + 40]);
  }
}

TEST(ConcatPack, PackOnAxisOne) {
  Graph g = build({placeholder("a", {2}, DataType::kInt32), placeholder("b", {2}, DataType::kInt32),
                   make_node("y", "Pack", {"a", "b"}, {{"axis", AttrValue::of_int(1)}})});
  auto out = run(g, {"y"}, {{"a", ints32({2}, {1, 2})}, {"b", ints32({2}, {3, 4})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape(), (Shape{2, 2}));
  EXPECT_EQ(out[0].to_int64_vector(), (std::vector<int64_t>{1, 3, 2, 4}));
}

TEST(ConcatPack, MismatchedShapesAreErrors) {
  Graph g = build({placeholder("a", {2, 1}), placeholder("b", {3, 1}), const_node("axis", ints32({}, {1})),
                   make_node("y", "ConcatV2", {"a", "b", "axis"})});
  EXPECT_NE(failure(g, {"y"}, {{"a", random_floats({2, 1}, 1)}, {"b", random_floats({3, 1}, 1)}})
                .find("node 'y' (ConcatV2): input 1"),
            std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
