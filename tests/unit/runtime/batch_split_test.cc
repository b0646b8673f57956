// Which plans may run a batch in slices, and slicing gives the whole-batch result.
#include "runtime/batch_split.h"

#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

SplitDecision decide(const Graph& g, const std::string& output, const Shape& row) {
  auto plan = build_plan(g, {output}, {});
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  if (!plan.ok()) return {};
  return decide_split(*plan, {DataType::kFloat}, {row}, 1);
}

Node conv(const std::string& name, const std::string& x, const std::string& w) {
  return make_node(name, "Conv2D", {x, w},
                   {{"strides", AttrValue::of_ints({1, 2, 2, 1})}, {"padding", AttrValue::of_string("SAME")}});
}

// conv -> relu -> global mean -> squeeze [1,2] -> reshape [-1, 8] -> softmax
Graph classifier() {
  return build({placeholder("x", {-1, 16, 16, 3}), const_node("w", random_floats({3, 3, 3, 8}, 1)), conv("c", "x", "w"),
                make_node("r", "Relu", {"c"}), const_node("axes", ints32({2}, {1, 2})),
                make_node("m", "Mean", {"r", "axes"}, {{"keep_dims", AttrValue::of_bool(true)}}),
                make_node("sq", "Squeeze", {"m"}, {{"squeeze_dims", AttrValue::of_ints({1, 2})}}),
                const_node("shape", ints32({2}, {-1, 8})), make_node("rs", "Reshape", {"sq", "shape"}),
                make_node("p", "Softmax", {"rs"})});
}

TEST(BatchSplit, ImageClassifierIsSeparable) {
  const SplitDecision d = decide(classifier(), "p", {16, 16, 3});
  EXPECT_TRUE(d.separable);
  EXPECT_GE(d.chunk, 1);
  // 8x8x8 floats per image at most: many images fit in a slice.
  EXPECT_GT(d.chunk, 100);
}

TEST(BatchSplit, OpsThatMixImagesAreNot) {
  // Mean over the batch (the poets graph's input normalization).
  Graph mean0 = build({placeholder("x", {-1, 4}), const_node("axes", ints32({1}, {0})),
                       make_node("m", "Mean", {"x", "axes"}, {{"keep_dims", AttrValue::of_bool(true)}}),
                       make_node("y", "Sub", {"x", "m"})});
  EXPECT_FALSE(decide(mean0, "y", {4}).separable);
  // Reshapes that fold the batch into other dims.
  Graph flat = build({placeholder("x", {-1, 6}), const_node("s", ints32({1}, {-1})), make_node("y", "Reshape", {"x", "s"})});
  EXPECT_FALSE(decide(flat, "y", {6}).separable);
  Graph transposed = build({placeholder("x", {-1, 6}), const_node("s", ints32({2}, {6, -1})),
                            make_node("y", "Reshape", {"x", "s"}), make_node("z", "Relu", {"y"})});
  EXPECT_FALSE(decide(transposed, "z", {6}).separable);
  // Slicing along the batch, and a squeeze that drops the batch at size 1.
  Graph sliced = build({placeholder("x", {-1, 2}), const_node("b", ints32({1}, {0})), const_node("e", ints32({1}, {0})),
                        const_node("st", ints32({1}, {-1})),
                        make_node("y", "StridedSlice", {"x", "b", "e", "st"},
                                  {{"begin_mask", AttrValue::of_int(1)}, {"end_mask", AttrValue::of_int(1)}})});
  EXPECT_FALSE(decide(sliced, "y", {2}).separable);
  Graph squeeze = build({placeholder("x", {-1, 1, 3}), make_node("y", "Squeeze", {"x"})});
  EXPECT_FALSE(decide(squeeze, "y", {1, 3}).separable);
  // A constant with a row per image.
  Graph per_row = build({placeholder("x", {-1, 2}), const_node("c", random_floats({3, 2}, 1)), make_node("y", "Add", {"x", "c"})});
  EXPECT_FALSE(decide(per_row, "y", {2}).separable);
}

TEST(BatchSplit, ShapesMaySetReshapesButNotArithmetic) {
  auto batch_dim = [](std::vector<Node> tail) {
    std::vector<Node> nodes = {placeholder("x", {-1, 6}), make_node("shape", "Shape", {"x"}),
                               const_node("b", ints32({1}, {0})), const_node("e", ints32({1}, {1})),
                               const_node("s", ints32({1}, {1})),
                               make_node("n", "StridedSlice", {"shape", "b", "e", "s"},
                                         {{"shrink_axis_mask", AttrValue::of_int(1)}})};
    nodes.insert(nodes.end(), tail.begin(), tail.end());
    return build(nodes);
  };
  Graph reshape = batch_dim({const_node("m1", ints32({}, {-1})), make_node("dims", "Pack", {"n", "m1"}),
                             make_node("y", "Reshape", {"x", "dims"})});
  EXPECT_TRUE(decide(reshape, "y", {6}).separable);
  Graph divide = batch_dim({make_node("nf", "Cast", {"n"}, {{"DstT", AttrValue::of_type(DataType::kFloat)}}),
                            make_node("y", "RealDiv", {"x", "nf"})});
  EXPECT_FALSE(decide(divide, "y", {6}).separable);
}

TEST(BatchSplit, SlicedRunsEqualWholeBatchRuns) {
  Graph g = classifier();
  SessionOptions whole, sliced;
  whole.batch_slice = 0;
  sliced.batch_slice = 3;
  for (int64_t n : {2, 7, 301}) {
    const Tensor x = random_floats({n, 16, 16, 3}, static_cast<uint32_t>(n));
    auto a = run(g, {"p", "c"}, {{"x", x}}, sliced);
    auto b = run(g, {"p", "c"}, {{"x", x}}, whole);
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    ASSERT_EQ(a[0].shape(), (Shape{n, 8}));
    ASSERT_EQ(a[1].shape(), (Shape{n, 8, 8, 8}));
    EXPECT_LE(max_abs_diff(a[0], b[0]), 1e-6f);
    EXPECT_LE(max_abs_diff(a[1], b[1]), 1e-5f);
  }
}

TEST(BatchSplit, ObservedRunsSeeTheWholeBatch) {
  SessionOptions opts;
  opts.observed_tensors = {"r"};
  opts.batch_slice = 2;
  auto session = Session::create(classifier(), {"p"}, opts);
  ASSERT_TRUE(session.ok());
  int calls = 0;
  auto out = (*session)->run({{"x", random_floats({300, 16, 16, 3}, 3)}}, [&](const std::string&, const Tensor& t) {
    ++calls;
    EXPECT_EQ(t.dim(0), 300);
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace amct::runtime
