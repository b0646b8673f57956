#include "formats/onnx/convert_context.h"

#include <gtest/gtest.h>

#include "tiny_graph.h"

namespace amct::onnx_export {
namespace {

TEST(OnnxConvertContext, ConverterTable) {
  for (const char* op : {"Placeholder", "Const", "Identity", "Conv2D", "DepthwiseConv2dNative", "BiasAdd", "Relu",
                         "Relu6", "AddV2", "Add", "AvgPool", "MaxPool", "Mean", "Squeeze", "Reshape", "Softmax",
                         "MatMul", "Mul", "Round", "ClipByValue", "Cast"})
    EXPECT_NE(find_converter(op), nullptr) << op;
  for (const char* op : {"LRN", "FusedBatchNorm", "FakeQuantWithMinMaxVars", "", "conv2d"})
    EXPECT_EQ(find_converter(op), nullptr) << op;
}

TEST(OnnxConvertContext, InputErrorsNameTheNode) {
  testing::TinyGraph t;
  t.placeholder("x", {2});
  t.add("y", "Relu", {"x:1"});
  t.add("z", "Relu", {"w"});
  onnx::GraphProto g;
  ModelBuilder b(&g, {"x", "y", "z"});
  Context ctx(t.g, b);
  ASSERT_TRUE(find_converter("Placeholder")(ctx, *t.g.find("x")).is_ok());
  auto v = ctx.input(*t.g.find("y"), 0);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("node 'y' (Relu)"), std::string::npos);
  EXPECT_NE(v.status().message().find("no output 1"), std::string::npos) << v.status().message();
  auto w = ctx.input(*t.g.find("z"), 0);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("'w'"), std::string::npos);
  EXPECT_FALSE(ctx.input(*t.g.find("z"), 1).ok());
  EXPECT_FALSE(ctx.const_input(*t.g.find("y"), 0, "shape").ok());
  ASSERT_NE(ctx.values.count("x"), 0u);
  EXPECT_EQ(ctx.values["x"]->plain, "x");
}

}  // namespace
}  // namespace amct::onnx_export
