#include "graph/passes/prune_dead.h"

#include <gtest/gtest.h>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

Graph two_heads() {
  return build({placeholder("x"), make_node("init", "NoOp"), float_op("a", "Relu", {"x", "^init"}),
                float_op("b", "Relu", {"a"}), const_node("unused", floats({1}, {0})),
                float_op("side", "Sigmoid", {"a"}), placeholder("y")});
}

TEST(PruneDead, KeepsAncestorsIncludingControlDeps) {
  Graph g = two_heads();
  ASSERT_TRUE(prune_dead(g, {"b"}).is_ok());
  EXPECT_EQ(names(g), (std::vector<std::string>{"x", "init", "a", "b"}));
}

TEST(PruneDead, SeveralOutputsWithIndices) {
  Graph g = two_heads();
  ASSERT_TRUE(prune_dead(g, {"b:0", "side"}).is_ok());
  EXPECT_EQ(g.size(), 5u);
  EXPECT_EQ(g.find("unused"), nullptr);
  EXPECT_EQ(g.find("y"), nullptr);
}

TEST(PruneDead, Errors) {
  Graph g = two_heads();
  EXPECT_EQ(prune_dead(g, {"nope"}).message(), "output node 'nope' is not in the graph");
  EXPECT_FALSE(prune_dead(g, {"b:x"}).is_ok());
  EXPECT_FALSE(prune_dead(g, {}).is_ok());
  EXPECT_EQ(g.size(), 7u);  // nothing removed on error
}

}  // namespace
}  // namespace amct::graph
