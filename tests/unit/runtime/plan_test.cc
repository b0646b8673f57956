// Plan building: needed nodes only, errors that name the node, constant folding.
#include "runtime/plan.h"

#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

std::string plan_error(const Graph& g, const std::vector<std::string>& outputs, const PlanOptions& opts = {}) {
  auto p = build_plan(g, outputs, opts);
  return p.ok() ? std::string() : p.status().message();
}

TEST(Plan, OnlyNeededNodesAndUnsupportedOpsOutsideAreIgnored) {
  Graph g = build({placeholder("x", {2}), placeholder("unused", {2}), make_node("weird", "Mfcc", {"unused"}),
                   make_node("y", "Relu", {"x"})});
  auto p = build_plan(g, {"y"}, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->steps.size(), 1u);
  ASSERT_EQ(p->feeds.size(), 1u);
  EXPECT_EQ(p->feeds[0].name, "x");
  EXPECT_NE(plan_error(g, {"weird"}).find("node 'weird' (Mfcc): op 'Mfcc' is not supported"), std::string::npos);
}

TEST(Plan, StructuralErrorsNameTheNode) {
  Graph missing = build({placeholder("x", {2}), make_node("y", "Relu", {"nope"})});
  EXPECT_NE(plan_error(missing, {"y"}).find("node 'y' (Relu): input 'nope' names no node"), std::string::npos);
  Graph cycle = build({make_node("a", "Relu", {"b"}), make_node("b", "Relu", {"a"})});
  EXPECT_NE(plan_error(cycle, {"a"}).find("cycle"), std::string::npos);
  Graph arity = build({placeholder("x", {2}), make_node("y", "Add", {"x"})});
  EXPECT_NE(plan_error(arity, {"y"}).find("node 'y' (Add): has 1 inputs, expected 2"), std::string::npos);
  Graph index = build({placeholder("x", {2}), make_node("y", "Relu", {"x:1"})});
  EXPECT_NE(plan_error(index, {"y"}).find("reads output 1 of 'x'"), std::string::npos);
  Graph g = build({placeholder("x", {2})});
  EXPECT_NE(plan_error(g, {"z"}).find("output 'z': the graph has no node 'z'"), std::string::npos);
  EXPECT_NE(plan_error(g, {"x:3"}).find("node 'x' has 1 output(s)"), std::string::npos);
  EXPECT_NE(plan_error(g, {}).find("no output"), std::string::npos);
  Graph str = build({make_node("s", "Const", {}, {{"value", AttrValue::of_tensor(Tensor())}}), make_node("y", "Identity", {"s"})});
  EXPECT_NE(plan_error(str, {"y"}).find("node 's' (Const)"), std::string::npos);
}

TEST(Plan, ConstantSubgraphsFoldAndControlInputsAreIgnored) {
  Graph g = build({placeholder("x", {2}), const_node("q", Tensor::from_vector<int8_t>({2}, {-3, 5})),
                   make_node("f", "Cast", {"q"}, {{"DstT", AttrValue::of_type(DataType::kFloat)}}),
                   const_node("s", floats({}, {0.5f})), make_node("w", "Mul", {"f", "s"}),
                   make_node("y", "Add", {"x", "w", "^f"})});
  auto p = build_plan(g, {"y", "w"}, {});
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->steps.size(), 1u);
  EXPECT_EQ(p->steps[0].node, "y");
  const PlanValue& w = p->values[static_cast<size_t>(p->outputs[1])];
  ASSERT_TRUE(w.is_const());
  EXPECT_EQ(values(w.constant), (std::vector<float>{-1.5f, 2.5f}));
  EXPECT_TRUE(w.external);
}

TEST(Plan, CutPointsBecomeFeeds) {
  Graph g = build({placeholder("wav", {}, DataType::kString), make_node("dec", "DecodeWav", {"wav"}),
                   make_node("r", "Reshape", {"dec", "dec"}), make_node("y", "Relu", {"r"})});
  PlanOptions opts;
  opts.inputs = {"r"};
  auto p = build_plan(g, {"y"}, opts);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->feeds.size(), 1u);
  EXPECT_EQ(p->feeds[0].name, "r");
  EXPECT_EQ(p->feeds[0].dtype, DataType::kInvalid);
  opts.inputs = {"r:1"};
  EXPECT_NE(plan_error(g, {"y"}, opts).find("only output 0"), std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
