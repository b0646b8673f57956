#include "graph/passes/sink_transposes.h"

#include <gtest/gtest.h>

#include "runtime/session.h"

namespace amct::graph {
namespace {

Node make(const std::string& name, const std::string& op, std::vector<std::string> inputs) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  return n;
}

Node placeholder(const std::string& name, const Shape& dims) {
  Node n;
  n.name = name;
  n.op = "Placeholder";
  n.attrs["dtype"] = AttrValue::of_type(DataType::kFloat);
  ShapeAttr s;
  s.dims = dims;
  n.attrs["shape"] = AttrValue::of_shape(s);
  return n;
}

void add_transpose(Graph& g, const std::string& name, const std::string& in, std::vector<int32_t> perm) {
  ASSERT_TRUE(g.add_node(make_const_node(name + "/perm", Tensor::from_vector<int32_t>({4}, perm))).is_ok());
  ASSERT_TRUE(g.add_node(make(name, "Transpose", {in, name + "/perm"})).is_ok());
}

int count(const Graph& g, const std::string& op) {
  int n = 0;
  for (size_t i = 0; i < g.size(); ++i) n += g.node(i).op == op;
  return n;
}

Tensor run(const Graph& g, const std::string& out, const Tensor& x) {
  auto s = runtime::Session::create(g, {out});
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Tensor();
  auto r = (*s)->run({{"x", x}});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r->at(0) : Tensor();
}

Tensor iota(const Shape& s) {
  Tensor t(DataType::kFloat, s);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = static_cast<float>(i % 7) - 3.0f;
  return t;
}

// x(NHWC) -> to NCHW -> Relu -> Add(const [C,1,1]) -> to NHWC -> Relu.
TEST(SinkTransposes, ThroughElementwiseWithPermutedConstant) {
  Graph g;
  ASSERT_TRUE(g.add_node(placeholder("x", {1, 2, 3, 2})).is_ok());
  add_transpose(g, "t1", "x", {0, 3, 1, 2});
  ASSERT_TRUE(g.add_node(make("r", "Relu", {"t1"})).is_ok());
  ASSERT_TRUE(g.add_node(make_const_node("c", Tensor::from_vector<float>({2, 1, 1}, {10.0f, 20.0f}))).is_ok());
  ASSERT_TRUE(g.add_node(make("a", "AddV2", {"r", "c"})).is_ok());
  add_transpose(g, "t2", "a", {0, 2, 3, 1});
  ASSERT_TRUE(g.add_node(make("out", "Relu", {"t2"})).is_ok());
  StaticShapes shapes;
  ASSERT_TRUE(sink_transposes(g, {"out"}, &shapes).is_ok());
  EXPECT_EQ(count(g, "Transpose"), 0);
  const Tensor x = iota({1, 2, 3, 2});
  const Tensor y = run(g, "out", x);
  ASSERT_EQ(y.shape(), x.shape());
  for (int64_t i = 0; i < x.num_elements(); ++i)
    EXPECT_EQ(y.data<float>()[i], std::max(x.data<float>()[i], 0.0f) + (i % 2 ? 20.0f : 10.0f)) << i;
}

TEST(SinkTransposes, CancellingPairOnAnOutputBecomesIdentity) {
  Graph g;
  ASSERT_TRUE(g.add_node(placeholder("x", {1, 2, 2, 3})).is_ok());
  add_transpose(g, "t1", "x", {0, 3, 1, 2});
  add_transpose(g, "out", "t1", {0, 2, 3, 1});
  StaticShapes shapes;
  ASSERT_TRUE(sink_transposes(g, {"out"}, &shapes).is_ok());
  EXPECT_EQ(count(g, "Transpose"), 0);
  ASSERT_NE(g.find("out"), nullptr);
  EXPECT_EQ(g.find("out")->op, "Identity");
  const Tensor x = iota({1, 2, 2, 3});
  EXPECT_TRUE(run(g, "out", x).equals(x));
}

TEST(SinkTransposes, SizeOneAxesBecomeReshape) {
  Graph g;
  ASSERT_TRUE(g.add_node(placeholder("x", {-1, 1, 1, 5})).is_ok());
  add_transpose(g, "out", "x", {0, 3, 1, 2});
  StaticShapes shapes = {{"x", {-1, 1, 1, 5}}};
  ASSERT_TRUE(sink_transposes(g, {"out"}, &shapes).is_ok());
  EXPECT_EQ(g.find("out")->op, "Reshape");
  const Tensor y = run(g, "out", iota({2, 1, 1, 5}));
  EXPECT_EQ(y.shape(), (Shape{2, 5, 1, 1}));
  EXPECT_EQ(y.data<float>()[7], iota({2, 1, 1, 5}).data<float>()[7]);
}

TEST(SinkTransposes, LeavesWhatItCannotMove) {
  Graph g;
  ASSERT_TRUE(g.add_node(placeholder("x", {1, 2, 2, 3})).is_ok());
  ASSERT_TRUE(g.add_node(placeholder("z", {1, 3, 2, 2})).is_ok());
  add_transpose(g, "t1", "x", {0, 3, 1, 2});
  ASSERT_TRUE(g.add_node(make("out", "AddV2", {"t1", "z"})).is_ok());  // other input not constant
  StaticShapes shapes;
  ASSERT_TRUE(sink_transposes(g, {"out"}, &shapes).is_ok());
  EXPECT_EQ(count(g, "Transpose"), 1);
  EXPECT_EQ(g.find("out")->inputs[0], "t1");
}

}  // namespace
}  // namespace amct::graph
