#include "formats/onnx/model_builder.h"

#include <gtest/gtest.h>

#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

TEST(OnnxModelBuilder, NamesAreUniqueAndAvoidReservedOnes) {
  onnx::GraphProto g;
  ModelBuilder b(&g, {"x", "x/nchw"});
  EXPECT_EQ(b.fresh("x/nchw"), "x/nchw_1");  // reserved for a TF node
  EXPECT_EQ(b.fresh("t"), "t");
  EXPECT_EQ(b.fresh("t"), "t_1");
  EXPECT_EQ(b.claim("x"), "x");      // a TF tensor takes its own name once
  EXPECT_EQ(b.claim("x"), "x_1");
  EXPECT_EQ(b.result_name("y", true, true), "y/nchw");
  EXPECT_EQ(b.result_name("y", true, false), "y");
}

TEST(OnnxModelBuilder, LayoutTwinsAreMadeOnce) {
  onnx::GraphProto g;
  ModelBuilder b(&g, {"x"});
  Value* v = b.new_value();
  v->tf_name = "x";
  v->dtype = graph::DataType::kFloat;
  v->shape = {1, 2, 2, 3};
  v->plain = "x";
  auto n1 = b.nchw(*v);
  auto n2 = b.nchw(*v);
  ASSERT_TRUE(n1.ok() && n2.ok());
  EXPECT_EQ(*n1, "x/nchw");
  EXPECT_EQ(*n1, *n2);
  ASSERT_EQ(g.node_size(), 1);
  EXPECT_EQ(g.node(0).op_type(), "Transpose");

  // An NCHW-only output value gets its TF name on the way back.
  Value* out = b.new_value();
  out->tf_name = "out";
  out->shape = {1, 2, 2, 3};
  out->is_output = true;
  out->nchw = "out/nchw";
  auto p = b.plain(*out);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "out");
  EXPECT_EQ(testing::ints(g.node(1), "perm"), (std::vector<int64_t>{0, 2, 3, 1}));

  Value* r2 = b.new_value();
  r2->tf_name = "r2";
  r2->shape = {2, 3};
  r2->plain = "r2";
  EXPECT_FALSE(b.nchw(*r2).ok());
}

TEST(OnnxModelBuilder, ConstantsBecomeInitializers) {
  onnx::GraphProto g;
  ModelBuilder b(&g, {"c"});
  Value* c = b.new_value();
  c->tf_name = "c";
  c->is_const = true;
  c->dtype = graph::DataType::kFloat;
  c->shape = {1, 1, 2, 3};
  c->constant = graph::Tensor::from_vector<float>(c->shape, {1, 2, 3, 4, 5, 6});
  ASSERT_EQ(*b.plain(*c), "c");
  ASSERT_EQ(*b.nchw(*c), "c/nchw");
  ASSERT_EQ(g.initializer_size(), 2);
  EXPECT_EQ(g.node_size(), 0);
  EXPECT_EQ(testing::dims(g.initializer(1)), (std::vector<int64_t>{1, 3, 1, 2}));
  EXPECT_EQ(testing::values<float>(g.initializer(1)), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(b.float_scalar(6.0f), b.float_scalar(6.0f));
  EXPECT_NE(b.float_scalar(6.0f), b.float_scalar(0.0f));
}

}  // namespace
}  // namespace amct::onnx_export
