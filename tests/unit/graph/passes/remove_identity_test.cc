#include "graph/passes/remove_identity.h"

#include <gtest/gtest.h>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

TEST(RemoveIdentity, BypassesChainsOfPassThroughNodes) {
  Graph g = build({const_node("w", floats({1}, {3})), float_op("w/read", "Identity", {"w"}),
                   float_op("snap", "Snapshot", {"w/read"}), placeholder("x"), float_op("sg", "StopGradient", {"x"}),
                   float_op("mul", "Mul", {"sg", "snap"})});
  ASSERT_TRUE(remove_identity(g, {}).is_ok());
  EXPECT_EQ(names(g), (std::vector<std::string>{"w", "x", "mul"}));
  EXPECT_EQ(g.find("mul")->inputs, (std::vector<std::string>{"x", "w"}));
}

TEST(RemoveIdentity, KeepsOutputsAndForwardsOtherOutputIndices) {
  Graph g = build({placeholder("x"), make_node("split", "Split", {"x", "x"}, {{"num_split", AttrValue::of_int(2)}}),
                   float_op("id", "Identity", {"split:1"}), float_op("r", "Relu", {"id"}),
                   float_op("out", "Identity", {"r"})});
  ASSERT_TRUE(remove_identity(g, {"out"}).is_ok());
  EXPECT_EQ(g.find("r")->inputs, (std::vector<std::string>{"split:1"}));
  ASSERT_NE(g.find("out"), nullptr);
  EXPECT_EQ(count_op(g, "Identity"), 1u);
}

TEST(RemoveIdentity, MovesControlDependencies) {
  Graph g = build({placeholder("x"), make_node("init", "NoOp"), float_op("id", "Identity", {"x", "^init"}),
                   float_op("a", "Relu", {"id"}), float_op("b", "Relu", {"x", "^id"})});
  ASSERT_TRUE(remove_identity(g, {}).is_ok());
  EXPECT_EQ(g.find("a")->inputs, (std::vector<std::string>{"x", "^init"}));
  // "^id" becomes a control edge on what id forwarded, plus id's own control inputs.
  EXPECT_EQ(g.find("b")->inputs, (std::vector<std::string>{"x", "^x", "^init"}));
  EXPECT_EQ(g.find("id"), nullptr);
}

TEST(RemoveIdentity, LeavesOtherOpsAlone) {
  Graph g = build({placeholder("x"), make_node("idn", "IdentityN", {"x"}), float_op("r", "Relu", {"idn"})});
  ASSERT_TRUE(remove_identity(g, {}).is_ok());
  EXPECT_EQ(g.size(), 3u);
  EXPECT_TRUE(is_identity_like("PreventGradient"));
  EXPECT_FALSE(is_identity_like("Placeholder"));
}

}  // namespace
}  // namespace amct::graph
