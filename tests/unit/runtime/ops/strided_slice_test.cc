// StridedSlice with every kind of mask, and the Shape -> StridedSlice -> Pack
// -> Reshape chain that folds per input shape.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

// x[i,j,k] = 100i + 10j + k on [2,3,4].
Tensor iota() {
  Tensor t(DataType::kFloat, {2, 3, 4});
  for (int i = 0; i < 24; ++i) t.data<float>()[i] = static_cast<float>(100 * (i / 12) + 10 * (i / 4 % 3) + i % 4);
  return t;
}

struct Slice {
  std::vector<int32_t> begin, end, strides;
  int64_t begin_mask = 0, end_mask = 0, ellipsis = 0, new_axis = 0, shrink = 0;
};

Tensor slice(const Tensor& x, const Slice& s) {
  const int64_t n = static_cast<int64_t>(s.begin.size());
  Graph g = build({placeholder("x", x.shape()), const_node("b", ints32({n}, s.begin)), const_node("e", ints32({n}, s.end)),
                   const_node("s", ints32({n}, s.strides)),
                   make_node("y", "StridedSlice", {"x", "b", "e", "s"},
                             {{"begin_mask", AttrValue::of_int(s.begin_mask)},
                              {"end_mask", AttrValue::of_int(s.end_mask)},
                              {"ellipsis_mask", AttrValue::of_int(s.ellipsis)},
                              {"new_axis_mask", AttrValue::of_int(s.new_axis)},
                              {"shrink_axis_mask", AttrValue::of_int(s.shrink)}})});
  auto out = run(g, {"y"}, {{"x", x}});
  return out.empty() ? Tensor() : out[0];
}

TEST(StridedSlice, ShrinkFirstAxis) {  // x[1]
  const Tensor y = slice(iota(), {{1}, {2}, {1}, 0, 0, 0, 0, 1});
  ASSERT_EQ(y.shape(), (Shape{3, 4}));
  EXPECT_EQ(y.data<float>()[0], 100);
  EXPECT_EQ(y.data<float>()[11], 123);
}

TEST(StridedSlice, NegativeStrideWithMasks) {  // x[:, ::-1, 1:3]
  const Tensor y = slice(iota(), {{0, 0, 1}, {0, 0, 3}, {1, -1, 1}, 0b011, 0b011});
  ASSERT_EQ(y.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(values(y), (std::vector<float>{21, 22, 11, 12, 1, 2, 121, 122, 111, 112, 101, 102}));
}

TEST(StridedSlice, EllipsisThenShrinkLast) {  // x[..., -1]
  const Tensor y = slice(iota(), {{0, -1}, {0, 0}, {1, 1}, 0, 0, 0b01, 0, 0b10});
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(y), (std::vector<float>{3, 13, 23, 103, 113, 123}));
}

TEST(StridedSlice, NewAxisAndImplicitEllipsis) {  // x[:, tf.newaxis, 0:2]
  const Tensor y = slice(iota(), {{0, 0, 0}, {0, 0, 2}, {1, 1, 1}, 0b001, 0b001, 0, 0b010});
  ASSERT_EQ(y.shape(), (Shape{2, 1, 2, 4}));
  EXPECT_EQ(y.data<float>()[4], 10);
  EXPECT_EQ(y.data<float>()[8], 100);
}

TEST(StridedSlice, OutOfRangeClampsAndBadIndexFails) {
  const Tensor y = slice(iota(), {{-10, 1}, {10, 2}, {2, 1}});  // x[-10:10:2, 1:2]
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4}));
  EXPECT_EQ(values(y), (std::vector<float>{10, 11, 12, 13}));
  Graph g = build({placeholder("x", {2}), const_node("b", ints32({1}, {5})), const_node("e", ints32({1}, {6})),
                   const_node("s", ints32({1}, {1})),
                   make_node("y", "StridedSlice", {"x", "b", "e", "s"}, {{"shrink_axis_mask", AttrValue::of_int(1)}})});
  EXPECT_NE(failure(g, {"y"}, {{"x", random_floats({2}, 1)}}).find("out of bounds"), std::string::npos);
}

TEST(StridedSlice, ShapeChainFoldsForEachBatchSize) {
  // reshape(x, [shape(x)[0], 2, 3]) with a batch that changes between runs.
  Graph g = build({placeholder("x", {-1, 6}), make_node("shape", "Shape", {"x"}),
                   const_node("b", ints32({1}, {0})), const_node("e", ints32({1}, {1})), const_node("s", ints32({1}, {1})),
                   make_node("n", "StridedSlice", {"shape", "b", "e", "s"}, {{"shrink_axis_mask", AttrValue::of_int(1)}}),
                   const_node("two", ints32({}, {2})), const_node("three", ints32({}, {3})),
                   make_node("dims", "Pack", {"n", "two", "three"}), make_node("y", "Reshape", {"x", "dims"})});
  auto session = Session::create(g, {"y"});
  ASSERT_TRUE(session.ok()) << session.status().message();
  for (int64_t n : {1, 4}) {
    auto out = (*session)->run({{"x", random_floats({n, 6}, 2)}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].shape(), (Shape{n, 2, 3}));
    // Shape, StridedSlice and Pack were computed when the instance was built: only the view runs.
    auto steps = (*session)->instance_steps({{"x", random_floats({n, 6}, 2)}});
    ASSERT_TRUE(steps.ok());
    ASSERT_EQ(steps->size(), 1u);
    EXPECT_NE((*steps)[0].find("(Reshape)"), std::string::npos);
  }
}

}  // namespace
}  // namespace amct::runtime
