#include "graph/passes/topo_sort.h"

#include <gtest/gtest.h>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

TEST(TopoSort, OrdersProducersFirstOverDataAndControlEdges) {
  Graph g = build({float_op("r", "Relu", {"a"}), float_op("a", "AddV2", {"x", "c", "^n"}), make_node("n", "NoOp"),
                   const_node("c", floats({1}, {2})), placeholder("x")});
  ASSERT_TRUE(topo_sort(g).is_ok());
  // Stable: ready nodes keep their original relative order.
  EXPECT_EQ(names(g), (std::vector<std::string>{"n", "c", "x", "a", "r"}));
}

TEST(TopoSort, SortedGraphIsUnchanged) {
  Graph g = build({placeholder("x"), const_node("c", floats({1}, {2})), float_op("a", "AddV2", {"x", "c"}),
                   placeholder("y"), float_op("b", "AddV2", {"a", "y"})});
  const auto before = names(g);
  ASSERT_TRUE(topo_sort(g).is_ok());
  EXPECT_EQ(names(g), before);
}

TEST(TopoSort, CycleNamesANodeOnIt) {
  Graph g = build({placeholder("x"), float_op("head", "Relu", {"x"}), float_op("a", "AddV2", {"head", "c"}),
                   float_op("b", "Relu", {"a"}), float_op("c", "Relu", {"b"})});
  Status st = topo_sort(g);
  ASSERT_FALSE(st.is_ok());
  const std::string& m = st.message();
  EXPECT_NE(m.find("cycle through node"), std::string::npos) << m;
  EXPECT_EQ(m.find("'head'"), std::string::npos) << "head is upstream of the cycle, not on it: " << m;
  EXPECT_NE(m.find("'a' -> 'b' -> 'c' -> 'a'"), std::string::npos) << m;
}

TEST(TopoSort, MissingInputIsAnError) {
  Graph g = build({float_op("r", "Relu", {"ghost"})});
  EXPECT_NE(topo_sort(g).message().find("'ghost'"), std::string::npos);
}

}  // namespace
}  // namespace amct::graph
