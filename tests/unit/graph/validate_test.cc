#include "graph/validate.h"

#include <gtest/gtest.h>

#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

std::string message(const Graph& g) { return validate(g).message(); }

TEST(Validate, AcceptsAWellFormedGraph) {
  Graph g = build({placeholder("x"), const_node("c", floats({2}, {1, 2})), float_op("a", "AddV2", {"x", "c", "^c"}),
                   float_op("r", "Relu", {"a:0"})});
  EXPECT_TRUE(validate(g).is_ok()) << message(g);
}

TEST(Validate, InputErrors) {
  EXPECT_EQ(message(build({placeholder("x"), float_op("r", "Relu", {"y"})})),
            "node 'r' (Relu): input 0 'y' names a node that is not in the graph");
  EXPECT_EQ(message(build({placeholder("x"), float_op("r", "Relu", {"x:abc"})})),
            "node 'r' (Relu): input 0: bad input reference 'x:abc'");
  EXPECT_EQ(message(build({placeholder("x"), float_op("r", "Relu", {"x:2"})})),
            "node 'r' (Relu): input 0 'x:2': node 'x' (Placeholder) has 1 output");
  EXPECT_EQ(message(build({placeholder("x"), float_op("r", "AddV2", {"^x", "x"})})),
            "node 'r' (AddV2): data input 1 'x' follows a control input");
  EXPECT_EQ(message(build({placeholder("x"), make_node("r", "")})), "node 'r' has an empty op");
}

TEST(Validate, OutputCountsOfMultiOutputOps) {
  Node bn = float_op("bn", "FusedBatchNormV3", {"x", "x", "x", "x", "x"});
  Graph ok = build({placeholder("x"), bn, float_op("r", "Relu", {"bn:5"})});
  EXPECT_TRUE(validate(ok).is_ok());
  Graph bad = build({placeholder("x"), bn, float_op("r", "Relu", {"bn:6"})});
  EXPECT_NE(message(bad).find("has 6 outputs"), std::string::npos);
  Node split = make_node("s", "Split", {"x", "x"}, {{"num_split", AttrValue::of_int(3)}});
  EXPECT_EQ(known_num_outputs(split), 3);
  EXPECT_EQ(known_num_outputs(make_node("u", "SomeCustomOp")), std::nullopt);
  // Unknown ops: any index is plausible.
  Graph custom = build({placeholder("x"), make_node("c", "SomeCustomOp", {"x"}), float_op("r", "Relu", {"c:7"})});
  EXPECT_TRUE(validate(custom).is_ok());
}

TEST(Validate, Cycles) {
  Graph data = build({placeholder("x"), float_op("a", "AddV2", {"x", "c"}), float_op("b", "Relu", {"a"}),
                      float_op("c", "Relu", {"b"})});
  EXPECT_NE(message(data).find("cycle through node"), std::string::npos);
  Graph control = build({placeholder("x"), float_op("a", "Relu", {"x", "^b"}), float_op("b", "Relu", {"a"})});
  EXPECT_NE(message(control).find("cycle"), std::string::npos);
  // TF while loops close through NextIteration -> Merge: not a cycle for amct.
  Graph loop = build({placeholder("x"), make_node("m", "Merge", {"x", "n"}), make_node("n", "NextIteration", {"m"})});
  EXPECT_TRUE(validate(loop).is_ok()) << message(loop);
}

TEST(Validate, ConstChecks) {
  Node no_value = make_node("c", "Const", {}, {{"dtype", AttrValue::of_type(DataType::kFloat)}});
  EXPECT_EQ(message(build({no_value})), "node 'c' (Const): missing 'value' attribute");
  Node wrong = const_node("c", floats({1}, {1}));
  wrong.attrs["dtype"] = AttrValue::of_type(DataType::kInt32);
  EXPECT_EQ(message(build({wrong})), "node 'c' (Const): 'value' tensor is float32 but 'dtype' says int32");
  Node no_dtype = const_node("c", floats({1}, {1}));
  no_dtype.attrs.erase("dtype");
  EXPECT_NE(message(build({no_dtype})).find("'dtype'"), std::string::npos);
  Node with_input = const_node("c", floats({1}, {1}));
  with_input.inputs = {"x"};
  EXPECT_NE(message(build({placeholder("x"), with_input})).find("no data inputs"), std::string::npos);
  // String constants stay serialized and are fine.
  Node str = make_node("s", "Const", {}, {{"dtype", AttrValue::of_type(DataType::kString)}});
  AttrValue opaque;
  opaque.kind = AttrValue::Kind::kOpaque;
  opaque.opaque = "x";
  str.attrs["value"] = opaque;
  EXPECT_TRUE(validate(build({str})).is_ok());
}

TEST(Validate, NamesRenamedInPlaceAreCaught) {
  Graph g = build({placeholder("x"), placeholder("y")});
  g.node(1).name = "x";
  EXPECT_EQ(message(g), "duplicate node name 'x'");
  g.node(1).name = "";
  EXPECT_NE(message(g).find("empty name"), std::string::npos);
}

}  // namespace
}  // namespace amct::graph
