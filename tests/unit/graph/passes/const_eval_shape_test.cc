#include <gtest/gtest.h>

#include "graph/passes/const_eval.h"
#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

// Evaluates `n` on inputs, expecting a folded value.
Tensor eval(const Node& n, const std::vector<Tensor>& in) {
  auto r = eval_const_node(n, in);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok() || !r.value()) {
    ADD_FAILURE() << n.op << " was not folded";
    return Tensor();
  }
  return *r.value();
}

std::vector<int64_t> v(const Tensor& t) { return t.to_int64_vector(); }

TEST(ConstEvalShape, ShapeAndOutType) {
  Tensor c = floats({2, 3, 4}, {});
  EXPECT_EQ(v(eval(make_node("s", "Shape"), {c})), (std::vector<int64_t>{2, 3, 4}));
  Tensor s64 = eval(make_node("s", "Shape", {}, {{"out_type", AttrValue::of_type(DataType::kInt64)}}), {c});
  EXPECT_EQ(s64.dtype(), DataType::kInt64);
}

TEST(ConstEvalShape, PackAlongAxes) {
  Tensor a = ints({2}, {1, 2}), b = ints({2}, {3, 4});
  Tensor p0 = eval(make_node("p", "Pack"), {a, b});
  EXPECT_EQ(p0.shape(), (Shape{2, 2}));
  EXPECT_EQ(v(p0), (std::vector<int64_t>{1, 2, 3, 4}));
  Tensor p1 = eval(make_node("p", "Pack", {}, {{"axis", AttrValue::of_int(-1)}}), {a, b});
  EXPECT_EQ(v(p1), (std::vector<int64_t>{1, 3, 2, 4}));
  EXPECT_FALSE(eval_const_node(make_node("p", "Pack"), {a, ints({3}, {1, 2, 3})}).ok());
}

TEST(ConstEvalShape, ConcatV2) {
  Tensor a = ints({2, 1}, {1, 2}), b = ints({2, 2}, {3, 4, 5, 6});
  Tensor c = eval(make_node("c", "ConcatV2"), {a, b, ints({}, {1})});
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(v(c), (std::vector<int64_t>{1, 3, 4, 2, 5, 6}));
  EXPECT_FALSE(eval_const_node(make_node("c", "ConcatV2"), {a, b, ints({}, {0})}).ok());
}

TEST(ConstEvalShape, ReshapeSqueezeExpandDims) {
  Tensor x = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(eval(make_node("r", "Reshape"), {x, ints({2}, {-1, 2})}).shape(), (Shape{3, 2}));
  EXPECT_FALSE(eval_const_node(make_node("r", "Reshape"), {x, ints({2}, {4, 2})}).ok());
  EXPECT_FALSE(eval_const_node(make_node("r", "Reshape"), {x, ints({2}, {-1, -1})}).ok());
  Tensor y = floats({1, 3, 1}, {1, 2, 3});
  EXPECT_EQ(eval(make_node("s", "Squeeze"), {y}).shape(), (Shape{3}));
  EXPECT_EQ(eval(make_node("s", "Squeeze", {}, {{"squeeze_dims", AttrValue::of_ints({-1})}}), {y}).shape(),
            (Shape{1, 3}));
  EXPECT_FALSE(eval_const_node(make_node("s", "Squeeze", {}, {{"squeeze_dims", AttrValue::of_ints({1})}}), {y}).ok());
  EXPECT_EQ(eval(make_node("e", "ExpandDims"), {x, ints({}, {-1})}).shape(), (Shape{2, 3, 1}));
  EXPECT_EQ(eval(make_node("e", "ExpandDims"), {x, ints({}, {0})}).shape(), (Shape{1, 2, 3}));
}

TEST(ConstEvalShape, FillAndRange) {
  Tensor f = eval(make_node("f", "Fill"), {ints({2}, {2, 2}), floats({}, {1.5f})});
  EXPECT_EQ(f.shape(), (Shape{2, 2}));
  EXPECT_EQ(f.data<float>()[3], 1.5f);
  EXPECT_EQ(v(eval(make_node("r", "Range"), {ints({}, {0}), ints({}, {7}), ints({}, {3})})),
            (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(v(eval(make_node("r", "Range"), {ints({}, {5}), ints({}, {0}), ints({}, {-2})})),
            (std::vector<int64_t>{5, 3, 1}));
  Tensor fr = eval(make_node("r", "Range"), {floats({}, {0}), floats({}, {1}), floats({}, {0.25f})});
  EXPECT_EQ(fr.num_elements(), 4);
  EXPECT_FALSE(eval_const_node(make_node("r", "Range"), {ints({}, {0}), ints({}, {5}), ints({}, {0})}).ok());
  EXPECT_FALSE(eval_const_node(make_node("r", "Range"), {ints({}, {5}), ints({}, {0}), ints({}, {1})}).ok());
}

TEST(ConstEvalShape, StridedSlice) {
  Tensor x = ints({3, 4}, {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
  auto ss = [](std::map<std::string, AttrValue> attrs) { return make_node("ss", "StridedSlice", {}, std::move(attrs)); };
  // x[1:, ::2]
  Tensor a = eval(ss({{"end_mask", AttrValue::of_int(1)}}), {x, ints({2}, {1, 0}), ints({2}, {0, 4}), ints({2}, {1, 2})});
  EXPECT_EQ(a.shape(), (Shape{2, 2}));
  EXPECT_EQ(v(a), (std::vector<int64_t>{10, 12, 20, 22}));
  // x[-1] (shrink), and x[::-1, 3]
  Tensor b = eval(ss({{"shrink_axis_mask", AttrValue::of_int(1)}}), {x, ints({1}, {-1}), ints({1}, {0}), ints({1}, {1})});
  EXPECT_EQ(v(b), (std::vector<int64_t>{20, 21, 22, 23}));
  Tensor c = eval(ss({{"begin_mask", AttrValue::of_int(1)}, {"end_mask", AttrValue::of_int(1)},
                      {"shrink_axis_mask", AttrValue::of_int(2)}}),
                  {x, ints({2}, {0, 3}), ints({2}, {0, 4}), ints({2}, {-1, 1})});
  EXPECT_EQ(v(c), (std::vector<int64_t>{23, 13, 3}));
  // Out-of-range ends clamp; out-of-range shrink index is an error.
  Tensor d = eval(ss({}), {x, ints({1}, {-10}), ints({1}, {10}), ints({1}, {1})});
  EXPECT_EQ(d.shape(), (Shape{3, 4}));
  EXPECT_FALSE(eval_const_node(ss({{"shrink_axis_mask", AttrValue::of_int(1)}}),
                               {x, ints({1}, {3}), ints({1}, {4}), ints({1}, {1})})
                   .ok());
  // Ellipsis is not folded.
  auto e = eval_const_node(ss({{"ellipsis_mask", AttrValue::of_int(1)}}),
                           {x, ints({1}, {0}), ints({1}, {1}), ints({1}, {1})});
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e.value().has_value());
}

}  // namespace
}  // namespace amct::graph
