// Shared by the auto-calibration unit tests: a tiny conv net written as a
// .pb, and a synthetic search world with known per-layer damage.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "formats/tf/graphdef_writer.h"
#include "graph/graph.h"
#include "workflows/auto_calibration/evaluator.h"
#include "workflows/auto_calibration/fine_search.h"
#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration::testing {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

inline Node node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                 std::map<std::string, AttrValue> attrs = {}) {
  Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs = std::move(attrs);
  if (!n.attrs.count("T") && op != "Const" && op != "Placeholder") n.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  return n;
}

inline Node constant(const std::string& name, const Tensor& t) { return graph::make_const_node(name, t); }

inline Tensor random_tensor(graph::Shape shape, uint32_t seed, float scale) {
  Tensor t(DataType::kFloat, std::move(shape));
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline std::map<std::string, AttrValue> conv_attrs() {
  return {{"strides", AttrValue::of_ints({1, 1, 1, 1})},
          {"padding", AttrValue::of_string("SAME")},
          {"data_format", AttrValue::of_string("NHWC")}};
}

// input [-1,8,8,3] -> conv1 3x3 (3->4) -> relu6 -> depthwise 3x3 -> relu6 ->
// conv2 1x1 (4->6) -> AvgPool 8x8 -> Squeeze -> Softmax "prob".
// `outlier`: conv1's output channel 0 gets weights 200x larger, so that
// per-tensor weight quantization crushes the other channels.
inline graph::Graph tiny_model(bool outlier) {
  graph::Graph g;
  graph::ShapeAttr s;
  s.dims = {-1, 8, 8, 3};
  auto add = [&](Node n) { EXPECT_TRUE(g.add_node(std::move(n)).is_ok()); };
  add(node("input", "Placeholder", {}, {{"dtype", AttrValue::of_type(DataType::kFloat)}, {"shape", AttrValue::of_shape(s)}}));
  Tensor w1 = random_tensor({3, 3, 3, 4}, 1, 0.3f);
  if (outlier)
    for (int64_t i = 0; i < w1.num_elements(); i += 4) w1.data<float>()[i] *= 200.0f;
  add(constant("conv1/weights", w1));
  add(node("conv1/Conv2D", "Conv2D", {"input", "conv1/weights"}, conv_attrs()));
  add(constant("conv1/bias", random_tensor({4}, 2, 0.1f)));
  add(node("conv1/BiasAdd", "BiasAdd", {"conv1/Conv2D", "conv1/bias"}));
  add(node("conv1/Relu6", "Relu6", {"conv1/BiasAdd"}));
  add(constant("dw/weights", random_tensor({3, 3, 4, 1}, 3, 0.3f)));
  add(node("dw/depthwise", "DepthwiseConv2dNative", {"conv1/Relu6", "dw/weights"}, conv_attrs()));
  add(constant("dw/bias", random_tensor({4}, 4, 0.1f)));
  add(node("dw/BiasAdd", "BiasAdd", {"dw/depthwise", "dw/bias"}));
  add(node("dw/Relu6", "Relu6", {"dw/BiasAdd"}));
  add(constant("conv2/weights", random_tensor({1, 1, 4, 6}, 5, 0.5f)));
  add(node("conv2/Conv2D", "Conv2D", {"dw/Relu6", "conv2/weights"}, conv_attrs()));
  add(constant("conv2/bias", random_tensor({6}, 6, 0.1f)));
  add(node("conv2/BiasAdd", "BiasAdd", {"conv2/Conv2D", "conv2/bias"}));
  add(node("pool", "AvgPool", {"conv2/BiasAdd"},
           {{"ksize", AttrValue::of_ints({1, 8, 8, 1})},
            {"strides", AttrValue::of_ints({1, 1, 1, 1})},
            {"padding", AttrValue::of_string("VALID")},
            {"data_format", AttrValue::of_string("NHWC")}}));
  add(node("squeeze", "Squeeze", {"pool"}, {{"squeeze_dims", AttrValue::of_ints({1, 2})}}));
  add(node("prob", "Softmax", {"squeeze"}));
  return g;
}

inline std::string write_tiny_model(const std::string& dir, bool outlier) {
  const std::string path = dir + "/tiny.pb";
  Status st = tf::write_graphdef(path, tiny_model(outlier));
  EXPECT_TRUE(st.is_ok()) << st.message();
  return path;
}

// A search world with known damage: layer i costs damage[i] metric points
// while quantized; the metric is 100 - sum(damage of quantized layers), or
// with `saturating` original * exp(-sum) (accuracy that cannot go below 0).
struct World {
  std::vector<std::string> names;
  std::vector<double> damage;
  double max_loss = 1.0;
  double original = 100.0;
  bool saturating = false;

  RankingInfo ranking() const {
    RankingInfo r;
    for (size_t i = 0; i < names.size(); ++i) r.emplace_back(names[i], std::exp(-damage[i]));
    return r;
  }
  double metric(const RollBackConfig& c) const {
    double sum = 0.0;
    for (const auto& [name, on] : c)
      for (size_t i = 0; i < names.size(); ++i)
        if (on && names[i] == name) sum += damage[i];
    return saturating ? original * std::exp(-sum) : original - sum;
  }
  MetricEval metric_eval(double original, double current) const {
    return {original - current < max_loss, original - current};
  }
  RollBackConfig all_on() const {
    RollBackConfig c;
    for (const auto& n : names) c.emplace_back(n, true);
    return c;
  }
};

// Runs fine_search on the world; `rolled` receives the number of rolled-back
// layers of each evaluated (or reused) step.
inline SearchOutcome search(Strategy& s, const World& w, std::vector<size_t>* rolled = nullptr) {
  s.set_original_metric(w.original);
  s.initialize(w.ranking());
  const double global = w.metric(w.all_on());
  auto metric = [&w](double a, double b) { return w.metric_eval(a, b); };
  auto eval = [&w](const EvalRequest& r) -> Expected<double> { return w.metric(r.config); };
  auto out = fine_search(s, metric, w.original, global, eval);
  EXPECT_TRUE(out.ok()) << out.status().message();
  if (!out.ok()) return {};
  if (rolled)
    for (const auto& h : out->history) rolled->push_back(h.roll_back_config.size() - count_quantized(h.roll_back_config));
  return out.value();
}

}  // namespace amct::workflows::auto_calibration::testing
