// Small graphs built in code for the runtime tests, and ways to run them.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "runtime/session.h"

namespace amct::runtime::testing {

using graph::AttrValue;
using graph::DataType;
using graph::Graph;
using graph::Node;
using graph::Shape;
using graph::Tensor;

inline Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                      std::map<std::string, AttrValue> attrs = {}) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  return n;
}

inline Node placeholder(const std::string& name, Shape dims, DataType t = DataType::kFloat) {
  graph::ShapeAttr s;
  s.dims = std::move(dims);
  return make_node(name, "Placeholder", {}, {{"dtype", AttrValue::of_type(t)}, {"shape", AttrValue::of_shape(s)}});
}

inline Node const_node(const std::string& name, const Tensor& t) { return graph::make_const_node(name, t); }

inline Tensor floats(Shape shape, std::vector<float> v) { return Tensor::from_vector<float>(shape, v); }
inline Tensor ints32(Shape shape, std::vector<int32_t> v) { return Tensor::from_vector<int32_t>(shape, v); }

inline Tensor random_floats(Shape shape, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  Tensor t(DataType::kFloat, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline Graph build(const std::vector<Node>& nodes) {
  Graph g;
  for (const Node& n : nodes) EXPECT_TRUE(g.add_node(n).is_ok()) << n.name;
  return g;
}

// Runs `g` once; fails the test (and returns {}) on any error.
inline std::vector<Tensor> run(const Graph& g, const std::vector<std::string>& outputs, const Feeds& feeds,
                               const SessionOptions& opts = {}) {
  auto session = Session::create(g, outputs, opts);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return {};
  auto out = (*session)->run(feeds);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? std::move(out).value() : std::vector<Tensor>{};
}

// Output 0 with the oneDNN kernels and with the reference kernels.
inline std::pair<Tensor, Tensor> run_both(const Graph& g, const std::string& output, const Feeds& feeds) {
  SessionOptions ref;
  ref.reference_kernels = true;
  auto a = run(g, {output}, feeds);
  auto b = run(g, {output}, feeds, ref);
  if (a.empty() || b.empty()) return {};
  return {a[0], b[0]};
}

inline float max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return INFINITY;
  float worst = 0.0f;
  for (int64_t i = 0; i < a.num_elements(); ++i)
    worst = std::max(worst, std::fabs(a.data<float>()[i] - b.data<float>()[i]));
  return worst;
}

inline std::vector<float> values(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

// The error message of a failed create() or run(), "" when both succeed.
inline std::string failure(const Graph& g, const std::vector<std::string>& outputs, const Feeds& feeds,
                           const SessionOptions& opts = {}) {
  auto session = Session::create(g, outputs, opts);
  if (!session.ok()) return session.status().message();
  auto out = (*session)->run(feeds);
  return out.ok() ? std::string() : out.status().message();
}

}  // namespace amct::runtime::testing
