#include "graph/passes/fold_constants.h"

#include <gtest/gtest.h>

#include <cmath>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

// BatchNorm as tf.layers writes it without fusion:
// y = x * rsqrt(var + eps) + (beta - mean * rsqrt(var + eps)).
Graph unfused_batch_norm() {
  return build({
      placeholder("x", {-1, 2}),
      const_node("var", floats({2}, {4.0f, 0.25f})),
      const_node("eps", floats({}, {0.001f})),
      const_node("mean", floats({2}, {1.0f, -2.0f})),
      const_node("beta", floats({2}, {0.5f, 0.0f})),
      float_op("var/read", "Identity", {"var"}),
      float_op("add", "Add", {"var/read", "eps"}),
      float_op("rsqrt", "Rsqrt", {"add"}),
      float_op("mul", "Mul", {"x", "rsqrt"}),
      float_op("mul_1", "Mul", {"mean", "rsqrt"}),
      float_op("sub", "Sub", {"beta", "mul_1"}),
      float_op("add_1", "Add", {"mul", "sub"}),
  });
}

TEST(FoldConstants, BatchNormArithmeticBecomesConsts) {
  Graph g = unfused_batch_norm();
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  // Only x, the two folded operands (rsqrt, sub) and the two ops on x remain.
  EXPECT_EQ(names(g), (std::vector<std::string>{"x", "rsqrt", "mul", "sub", "add_1"}));
  EXPECT_EQ(count_op(g, "Const"), 2u);
  const Tensor r = const_value(g, "rsqrt");
  const Tensor s = const_value(g, "sub");
  ASSERT_EQ(r.num_elements(), 2);
  const float r0 = 1.0f / std::sqrt(4.001f), r1 = 1.0f / std::sqrt(0.251f);
  EXPECT_FLOAT_EQ(r.data<float>()[0], r0);
  EXPECT_FLOAT_EQ(r.data<float>()[1], r1);
  EXPECT_FLOAT_EQ(s.data<float>()[0], 0.5f - 1.0f * r0);
  EXPECT_FLOAT_EQ(s.data<float>()[1], 0.0f + 2.0f * r1);
  EXPECT_EQ(g.find("rsqrt")->attr_type("dtype").value(), DataType::kFloat);
}

TEST(FoldConstants, KeepIsNeitherFoldedNorRemoved) {
  Graph g = unfused_batch_norm();
  ASSERT_TRUE(fold_constants(g, {"rsqrt", "mean"}).is_ok());
  EXPECT_EQ(g.find("rsqrt")->op, "Rsqrt");
  EXPECT_EQ(g.find("add")->op, "Const");  // still folded: its inputs are constant
  ASSERT_NE(g.find("mean"), nullptr);
  EXPECT_EQ(g.find("mul_1")->op, "Mul");  // reads the kept Rsqrt, which is not a Const
}

TEST(FoldConstants, ShapeArithmeticChain) {
  // reshape(x, pack(shape(c)[0], -1)) with c a [6,2] Const: the shape folds to [6,-1].
  Graph g = build({
      placeholder("x", {-1}),
      const_node("c", floats({6, 2}, {})),
      make_node("shape", "Shape", {"c"}, {{"out_type", AttrValue::of_type(DataType::kInt32)}}),
      const_node("b", ints({1}, {0})),
      const_node("e", ints({1}, {1})),
      const_node("s", ints({1}, {1})),
      make_node("slice", "StridedSlice", {"shape", "b", "e", "s"}, {{"shrink_axis_mask", AttrValue::of_int(1)}}),
      const_node("minus1", ints({}, {-1})),
      make_node("pack", "Pack", {"slice", "minus1"}, {{"axis", AttrValue::of_int(0)}}),
      float_op("reshape", "Reshape", {"x", "pack"}),
  });
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  EXPECT_EQ(names(g), (std::vector<std::string>{"x", "pack", "reshape"}));
  const Tensor p = const_value(g, "pack");
  ASSERT_EQ(p.dtype(), DataType::kInt32);
  EXPECT_EQ(p.to_int64_vector(), (std::vector<int64_t>{6, -1}));
}

TEST(FoldConstants, KeepsControlInputsAndDevice) {
  Node neg = float_op("sum", "AddV2", {"a", "b", "^init"});
  neg.device = "/cpu:0";
  Graph g = build({make_node("init", "NoOp"), const_node("a", floats({}, {1})), const_node("b", floats({}, {2})), neg,
                   float_op("r", "Relu", {"sum"})});
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  const Node* s = g.find("sum");
  EXPECT_EQ(s->op, "Const");
  EXPECT_EQ(s->inputs, (std::vector<std::string>{"^init"}));
  EXPECT_EQ(s->device, "/cpu:0");
  EXPECT_EQ(const_value(g, "sum").data<float>()[0], 3.0f);
}

TEST(FoldConstants, SharedConstStaysWhileUsed) {
  Graph g = build({placeholder("x", {2}), const_node("c", floats({2}, {1, 2})), float_op("sq", "Sqrt", {"c"}),
                   float_op("a", "AddV2", {"x", "c"}), float_op("b", "AddV2", {"a", "sq"})});
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  ASSERT_NE(g.find("c"), nullptr);
  EXPECT_EQ(g.find("sq")->op, "Const");
}

TEST(FoldConstants, UnsupportedOpsAndNonConstInputsAreLeft) {
  Graph g = build({placeholder("x", {2}), const_node("c", floats({2}, {1, 4})), float_op("t", "Tanh", {"c"}),
                   float_op("a", "AddV2", {"x", "c"}), const_node("i", ints({2}, {1, 2})),
                   make_node("h", "Cast", {"i"}, {{"DstT", AttrValue::of_type(DataType::kHalf)}})});
  const auto before = names(g);
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  EXPECT_EQ(names(g), before);
  EXPECT_EQ(count_op(g, "Const"), 2u);
}

TEST(FoldConstants, InvalidConstantInputsNameTheNode) {
  Graph g = build({const_node("a", floats({2}, {1, 2})), const_node("b", floats({3}, {1, 2, 3})),
                   float_op("bad", "AddV2", {"a", "b"})});
  Status st = fold_constants(g, {});
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.message(), "node 'bad' (AddV2): shapes [2] and [3] do not broadcast");
}

TEST(FoldConstants, HugeOutputsAreNotMaterialized) {
  Graph g = build({const_node("dims", ints({2}, {1 << 16, 1 << 16})), const_node("v", floats({}, {1})),
                   float_op("fill", "Fill", {"dims", "v"})});
  ASSERT_TRUE(fold_constants(g, {}).is_ok());
  EXPECT_EQ(g.find("fill")->op, "Fill");
}

}  // namespace
}  // namespace amct::graph
