// Builders for quantized layers in the exact form amct writes
// (docs/QUANTIZED_MODEL.md), and a check that the INT8 runtime reproduces the
// fake-quant simulation. Scales are powers of two in the exactness tests, so
// every float product and partial sum of the simulation is exact and the two
// paths must agree bit for bit.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "runtime/int8/lower_quantized.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime::testing {

inline Node scalar_const(const std::string& name, float v) { return const_node(name, Tensor::scalar<float>(v)); }

inline Node binop(const std::string& name, const std::string& op, const std::string& a, const std::string& b) {
  return make_node(name, op, {a, b}, {{"T", AttrValue::of_type(DataType::kFloat)}});
}

// act_quant of `layer` on `x`; returns the name of the dequantized tensor.
inline std::string add_act_quant(std::vector<Node>& g, const std::string& layer, const std::string& x, float scale,
                                 int offset) {
  const std::string p = layer + "/act_quant/";
  g.push_back(scalar_const(p + "inv_scale", 1.0f / scale));
  g.push_back(binop(p + "mul", "Mul", x, p + "inv_scale"));
  g.push_back(make_node(p + "round", "Round", {p + "mul"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  g.push_back(scalar_const(p + "clip_min", static_cast<float>(-128 - offset)));
  g.push_back(scalar_const(p + "clip_max", static_cast<float>(127 - offset)));
  g.push_back(make_node(p + "clip", "ClipByValue", {p + "round", p + "clip_min", p + "clip_max"},
                        {{"T", AttrValue::of_type(DataType::kFloat)}}));
  g.push_back(scalar_const(p + "scale", scale));
  g.push_back(binop(p + "dequant", "Mul", p + "clip", p + "scale"));
  return p + "dequant";
}

inline Node cast_node(const std::string& name, const std::string& in, DataType from) {
  return make_node(name, "Cast", {in},
                   {{"SrcT", AttrValue::of_type(from)}, {"DstT", AttrValue::of_type(DataType::kFloat)}});
}

// int8 weights -> Cast -> Mul(scale); returns the dequantized weights' name.
inline std::string add_weight_quant(std::vector<Node>& g, const std::string& layer, const Tensor& w,
                                    const Tensor& scale) {
  const std::string p = layer + "/weight_quant/";
  g.push_back(const_node(p + "int8_weights", w));
  g.push_back(cast_node(p + "cast", p + "int8_weights", DataType::kInt8));
  g.push_back(const_node(p + "scale", scale));
  g.push_back(binop(p + "dequant", "Mul", p + "cast", p + "scale"));
  return p + "dequant";
}

// int32 bias -> Cast -> Mul(scale_d * scale_w[c]); returns the dequantized bias.
inline std::string add_bias_quant(std::vector<Node>& g, const std::string& layer, const Tensor& b, float scale_d,
                                  const std::vector<float>& scale_w) {
  const std::string p = layer + "/bias_quant/";
  std::vector<float> deq;
  for (float s : scale_w) deq.push_back(scale_d * s);
  g.push_back(const_node(p + "int32_bias", b));
  g.push_back(cast_node(p + "cast", p + "int32_bias", DataType::kInt32));
  g.push_back(const_node(p + "deq_scale", floats({static_cast<int64_t>(deq.size())}, deq)));
  g.push_back(binop(p + "dequant", "Mul", p + "cast", p + "deq_scale"));
  return p + "dequant";
}

inline Tensor random_int8(Shape shape, uint32_t seed, int lo = -128, int hi = 127) {
  Tensor t(DataType::kInt8, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<int8_t>()[i] = static_cast<int8_t>(d(rng));
  return t;
}

inline Tensor random_int32(Shape shape, uint32_t seed, int lo, int hi) {
  Tensor t(DataType::kInt32, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<int32_t>()[i] = d(rng);
  return t;
}

// Power-of-two per-channel scales 2^-e with e cycling over [lo_exp, hi_exp].
inline std::vector<float> pow2_scales(int64_t n, int lo_exp, int hi_exp) {
  std::vector<float> s;
  for (int64_t i = 0; i < n; ++i) s.push_back(std::ldexp(1.0f, -(lo_exp + static_cast<int>(i % (hi_exp - lo_exp + 1)))));
  return s;
}

struct Int8Run {
  std::vector<Tensor> simulated, int8;
  LowerReport report;
  std::vector<std::string> steps;  // the INT8 session's plan
};

// Runs `nodes` as built (the fake-quant simulation, on the fp32 runtime) and
// lowered (INT8 kernels), on the same feeds.
inline Int8Run run_sim_and_int8(const std::vector<Node>& nodes, const std::vector<std::string>& outputs,
                                const Feeds& feeds, const LowerOptions& lo = {}) {
  Int8Run r;
  Graph g = build(nodes);
  r.simulated = run(g, outputs, feeds);
  auto rep = lower_quantized(g, lo);
  EXPECT_TRUE(rep.ok()) << rep.status().message();
  if (!rep.ok()) return r;
  r.report = rep.value();
  auto session = Session::create(g, outputs);
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return r;
  r.steps = (*session)->plan_steps();
  auto out = (*session)->run(feeds);
  EXPECT_TRUE(out.ok()) << out.status().message();
  if (out.ok()) r.int8 = std::move(out).value();
  return r;
}

inline bool has_step(const std::vector<std::string>& steps, const std::string& text) {
  for (const auto& s : steps)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace amct::runtime::testing
