#include "graph/passes/pipeline.h"

#include <gtest/gtest.h>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

Graph messy() {
  return build({
      float_op("out", "Identity", {"relu"}),  // out of order on purpose
      placeholder("x", {-1, 2}),
      const_node("w", floats({2}, {2, 3})),
      float_op("w/read", "Identity", {"w"}),
      const_node("eps", floats({}, {1})),
      float_op("scale", "AddV2", {"w/read", "eps"}),
      float_op("mul", "Mul", {"x", "scale"}),
      float_op("relu", "Relu", {"mul"}),
      float_op("dead", "Sigmoid", {"x"}),
  });
}

TEST(ImportPipeline, CleansFoldsPrunesAndSorts) {
  Graph g = messy();
  ASSERT_TRUE(run_import_pipeline(g, {"out:0"}).is_ok());
  EXPECT_EQ(names(g), (std::vector<std::string>{"x", "scale", "mul", "relu", "out"}));
  EXPECT_EQ(g.find("mul")->inputs, (std::vector<std::string>{"x", "scale"}));
  EXPECT_EQ(const_value(g, "scale").to_int64_vector(), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(g.find("out")->op, "Identity");  // a requested output stays
}

TEST(ImportPipeline, NoOutputsMeansEverySink) {
  Graph g = messy();
  ASSERT_TRUE(run_import_pipeline(g, {}).is_ok());
  ASSERT_NE(g.find("dead"), nullptr);
  ASSERT_NE(g.find("out"), nullptr);
}

TEST(ImportPipeline, Errors) {
  Graph g = messy();
  EXPECT_EQ(run_import_pipeline(g, {"missing"}).message(), "output node 'missing' is not in the graph");
  Graph cyclic = build({placeholder("x"), float_op("a", "AddV2", {"x", "b"}), float_op("b", "Relu", {"a"})});
  EXPECT_NE(run_import_pipeline(cyclic, {"b"}).message().find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace amct::graph
