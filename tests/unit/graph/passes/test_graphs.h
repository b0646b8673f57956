// Builders for the tiny graphs the pass, validation and format tests make in code.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace amct::graph::testing {

inline Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs = {},
                      std::map<std::string, AttrValue> attrs = {}) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return n;
}

inline Node const_node(const std::string& name, const Tensor& value) { return make_const_node(name, value); }

inline Node placeholder(const std::string& name, Shape dims = {-1, 4, 4, 2}) {
  Node n = make_node(name, "Placeholder");
  n.attrs["dtype"] = AttrValue::of_type(DataType::kFloat);
  ShapeAttr s;
  s.dims = std::move(dims);
  n.attrs["shape"] = AttrValue::of_shape(s);
  return n;
}

inline Node float_op(const std::string& name, const std::string& op, std::vector<std::string> inputs) {
  return make_node(name, op, std::move(inputs), {{"T", AttrValue::of_type(DataType::kFloat)}});
}

inline Tensor floats(const Shape& shape, const std::vector<float>& v) { return Tensor::from_vector<float>(shape, v); }
inline Tensor ints(const Shape& shape, const std::vector<int32_t>& v) { return Tensor::from_vector<int32_t>(shape, v); }

// Adds nodes, failing the test on a duplicate name.
inline Graph build(std::vector<Node> nodes) {
  Graph g;
  for (auto& n : nodes) {
    Status st = g.add_node(std::move(n));
    EXPECT_TRUE(st.is_ok()) << st.message();
  }
  return g;
}

inline size_t count_op(const Graph& g, const std::string& op) {
  size_t c = 0;
  for (size_t i = 0; i < g.size(); ++i) c += g.node(i).op == op;
  return c;
}

inline std::vector<std::string> names(const Graph& g) {
  std::vector<std::string> out;
  for (size_t i = 0; i < g.size(); ++i) out.push_back(g.node(i).name);
  return out;
}

// The tensor of Const `name` (empty tensor if absent or not a Const).
inline Tensor const_value(const Graph& g, const std::string& name) {
  const Node* n = g.find(name);
  if (n == nullptr || n->op != "Const") return Tensor();
  auto t = n->attr_tensor("value");
  return t.ok() ? t.value() : Tensor();
}

}  // namespace amct::graph::testing
