// Conv/MatMul chains fuse into one step, give the unfused results, and never
// swallow an observed tensor.
#include "runtime/fusion.h"

#include <gtest/gtest.h>

#include <cmath>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

// Bias, sum and ReLU6 as post-ops repeat the unfused float operations; only the
// convolution's own summation order may differ between primitives.
constexpr float kFusionTol = 1e-5f;

Node conv(const std::string& name, const std::string& op, const std::string& x, const std::string& f) {
  return make_node(name, op, {x, f},
                   {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("SAME")},
                    {"data_format", AttrValue::of_string("NHWC")}});
}

// A MobileNetV2 inverted residual block on x [-1,6,6,8].
Graph mobilenet_block() {
  return build({placeholder("x", {-1, 6, 6, 8}),
                const_node("ew", random_floats({1, 1, 8, 24}, 1)), const_node("eb", random_floats({24}, 2)),
                conv("expand", "Conv2D", "x", "ew"), make_node("expand_bias", "BiasAdd", {"expand", "eb"}),
                make_node("expand_relu", "Relu6", {"expand_bias"}),
                const_node("dw", random_floats({3, 3, 24, 1}, 3)), const_node("db", random_floats({24}, 4)),
                conv("dwise", "DepthwiseConv2dNative", "expand_relu", "dw"),
                make_node("dwise_bias", "BiasAdd", {"dwise", "db"}), make_node("dwise_relu", "Relu6", {"dwise_bias"}),
                const_node("pw", random_floats({1, 1, 24, 8}, 5)), const_node("pb", random_floats({8}, 6)),
                conv("project", "Conv2D", "dwise_relu", "pw"), make_node("project_bias", "BiasAdd", {"project", "pb"}),
                make_node("add", "AddV2", {"project_bias", "x"})});
}

std::vector<std::string> steps_of(const Graph& g, const std::vector<std::string>& outputs, const SessionOptions& opts) {
  auto s = Session::create(g, outputs, opts);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? (*s)->plan_steps() : std::vector<std::string>{};
}

TEST(Fusion, MobileNetBlockBecomesThreeSteps) {
  Graph g = mobilenet_block();
  EXPECT_EQ(steps_of(g, {"add"}, {}),
            (std::vector<std::string>{"node 'expand' (Conv2D+BiasAdd+Relu6)",
                                      "node 'dwise' (DepthwiseConv2dNative+BiasAdd+Relu6)",
                                      "node 'project' (Conv2D+BiasAdd+AddV2)"}));
  SessionOptions off;
  off.enable_fusion = false;
  EXPECT_EQ(steps_of(g, {"add"}, off).size(), 9u);
}

TEST(Fusion, FusedAndUnfusedGiveTheSameOutput) {
  Graph g = mobilenet_block();
  SessionOptions off;
  off.enable_fusion = false;
  for (int64_t n : {1, 3}) {
    const Tensor x = random_floats({n, 6, 6, 8}, 7);
    auto fused = run(g, {"add"}, {{"x", x}});
    auto plain = run(g, {"add"}, {{"x", x}}, off);
    ASSERT_EQ(fused.size(), 1u);
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_LE(max_abs_diff(fused[0], plain[0]), kFusionTol);
  }
}

TEST(Fusion, ObservedTensorsStayVisible) {
  Graph g = mobilenet_block();
  SessionOptions opts;
  opts.observed_tensors = {"expand_bias", "dwise_relu:0"};
  EXPECT_EQ(steps_of(g, {"add"}, opts),
            (std::vector<std::string>{"node 'expand' (Conv2D+BiasAdd)", "node 'expand_relu' (Relu6)",
                                      "node 'dwise' (DepthwiseConv2dNative+BiasAdd+Relu6)",
                                      "node 'project' (Conv2D+BiasAdd+AddV2)"}));
  SessionOptions off;
  off.enable_fusion = false;
  const Tensor x = random_floats({2, 6, 6, 8}, 8);
  auto want = run(g, {"expand_bias", "dwise_relu"}, {{"x", x}}, off);
  ASSERT_EQ(want.size(), 2u);
  auto session = Session::create(g, {"add"}, opts);
  ASSERT_TRUE(session.ok());
  std::vector<std::string> seen;
  auto out = (*session)->run({{"x", x}}, [&](const std::string& name, const Tensor& t) {
    seen.push_back(name);
    EXPECT_LE(max_abs_diff(t, want[seen.size() - 1]), kFusionTol) << name;
  });
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(seen, (std::vector<std::string>{"expand_bias", "dwise_relu:0"}));
}

TEST(Fusion, BroadcastingResidualFallsBackToTheUnfusedSteps) {
  // conv [N,4,4,8] + r [1,1,1,8]: fused as a sum, rejected by the fused kernel's
  // shape check, so the instance runs the original steps.
  Graph g = build({placeholder("x", {-1, 4, 4, 3}), placeholder("r", {-1, -1, -1, 8}),
                   const_node("w", random_floats({3, 3, 3, 8}, 1)), conv("c", "Conv2D", "x", "w"),
                   make_node("add", "Add", {"c", "r"}), make_node("relu", "Relu", {"add"})});
  EXPECT_EQ(steps_of(g, {"relu"}, {}), (std::vector<std::string>{"node 'c' (Conv2D+Add+Relu)"}));
  const Tensor x = random_floats({2, 4, 4, 3}, 2);
  SessionOptions off;
  off.enable_fusion = false;
  for (const Shape& rs : {Shape{2, 4, 4, 8}, Shape{1, 1, 1, 8}}) {
    const Tensor r = random_floats(rs, 3);
    auto fused = run(g, {"relu"}, {{"x", x}, {"r", r}});
    auto plain = run(g, {"relu"}, {{"x", x}, {"r", r}}, off);
    ASSERT_EQ(fused.size(), 1u);
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_LE(max_abs_diff(fused[0], plain[0]), kFusionTol);
  }
  auto session = Session::create(g, {"relu"});
  auto steps = (*session)->instance_steps({{"x", x}, {"r", random_floats({1, 1, 1, 8}, 3)}});
  ASSERT_TRUE(steps.ok());
  EXPECT_EQ(steps->size(), 3u);  // conv, add, relu
}

TEST(Fusion, ResidualComputedAfterTheConvInGraphOrder) {
  Graph g = build({placeholder("x", {1, 4, 4, 3}), const_node("w", random_floats({1, 1, 3, 3}, 1)),
                   conv("c", "Conv2D", "x", "w"), make_node("late", "Relu", {"x"}),
                   make_node("add", "AddV2", {"late", "c"})});
  EXPECT_EQ(steps_of(g, {"add"}, {}),
            (std::vector<std::string>{"node 'late' (Relu)", "node 'c' (Conv2D+AddV2)"}));
  const Tensor x = random_floats({1, 4, 4, 3}, 2);
  SessionOptions off;
  off.enable_fusion = false;
  auto fused = run(g, {"add"}, {{"x", x}});
  auto plain = run(g, {"add"}, {{"x", x}}, off);
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_LE(max_abs_diff(fused[0], plain[0]), kFusionTol);
}

TEST(Fusion, SharedValuesAndConstAddBias) {
  // The conv output is read twice: nothing fuses. A const [OC] Add is a bias.
  Graph g = build({placeholder("x", {1, 4, 4, 3}), const_node("w", random_floats({1, 1, 3, 4}, 1)),
                   const_node("b", random_floats({4}, 2)), conv("c", "Conv2D", "x", "w"),
                   make_node("r1", "Relu", {"c"}), make_node("r2", "Relu6", {"c"}),
                   conv("c2", "Conv2D", "x", "w"), make_node("add", "Add", {"b", "c2"})});
  EXPECT_EQ(steps_of(g, {"r1", "r2", "add"}, {}),
            (std::vector<std::string>{"node 'c' (Conv2D)", "node 'r1' (Relu)", "node 'r2' (Relu6)",
                                      "node 'c2' (Conv2D+Add)"}));
}

// The activation quantize-dequantize amct writes, after a conv: all of it
// becomes oneDNN post-ops, with the same result as op by op.
TEST(Fusion, QuantizeDequantizeChainBecomesPostOps) {
  const float s = 0.047f;
  Graph g = build({placeholder("x", {-1, 6, 6, 8}), const_node("w", random_floats({3, 3, 8, 16}, 1)),
                   const_node("b", random_floats({16}, 2)), conv("c", "Conv2D", "x", "w"),
                   make_node("bias", "BiasAdd", {"c", "b"}), make_node("relu", "Relu6", {"bias"}),
                   const_node("inv", floats({}, {1.0f / s})), make_node("q", "Mul", {"inv", "relu"}),
                   make_node("r", "Round", {"q"}), const_node("lo", floats({}, {-128})), const_node("hi", floats({}, {127})),
                   make_node("clip", "ClipByValue", {"r", "lo", "hi"}), const_node("off", floats({1}, {3})),
                   make_node("shift", "Sub", {"clip", "off"}), const_node("s", floats({}, {s})),
                   make_node("dq", "Mul", {"shift", "s"})});
  EXPECT_EQ(steps_of(g, {"dq"}, {}),
            (std::vector<std::string>{"node 'c' (Conv2D+BiasAdd+Relu6+Mul+Round+ClipByValue+Sub+Mul)"}));
  SessionOptions off;
  off.enable_fusion = false;
  for (bool reference : {false, true}) {
    SessionOptions on;
    on.reference_kernels = reference;
    off.reference_kernels = reference;
    const Tensor x = random_floats({2, 6, 6, 8}, 3);
    auto fused = run(g, {"dq"}, {{"x", x}}, on);
    auto plain = run(g, {"dq"}, {{"x", x}}, off);
    ASSERT_EQ(fused.size(), 1u);
    ASSERT_EQ(plain.size(), 1u);
    // Identical conv sums give identical quantized values; a sum differing in
    // its last bit could move one value by one step at most.
    int moved = 0;
    for (int64_t i = 0; i < x.num_elements() / 8 * 16; ++i) {
      const float d = std::fabs(fused[0].data<float>()[i] - plain[0].data<float>()[i]);
      ASSERT_LE(d, s * 1.001f);
      moved += d > 0;
    }
    EXPECT_LE(moved, 2) << "reference " << reference;
  }
  // ClipByValue with lo > hi is left out of the chain.
  Graph bad = build({placeholder("x", {-1, 6, 6, 8}), const_node("w", random_floats({1, 1, 8, 4}, 1)),
                     conv("c", "Conv2D", "x", "w"), const_node("lo", floats({}, {1})), const_node("hi", floats({}, {-1})),
                     make_node("clip", "ClipByValue", {"c", "lo", "hi"})});
  EXPECT_EQ(steps_of(bad, {"clip"}, {}), (std::vector<std::string>{"node 'c' (Conv2D)", "node 'clip' (ClipByValue)"}));
}

// amct's integer layers: conv of integers + int bias, then Mul by a per-channel
// dequant scale, the residual and ReLU6. Integer sums are exact, so fused,
// unfused and reference runs must agree bit for bit, on both conv kinds.
Tensor integers(Shape shape, uint32_t seed, int lo, int hi) {
  Tensor t = random_floats(std::move(shape), seed, static_cast<float>(lo), static_cast<float>(hi));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = std::round(t.data<float>()[i]);
  return t;
}

TEST(Fusion, PerChannelDequantMulBecomesAPostOpAndStaysExact) {
  for (const std::string op : {"Conv2D", "DepthwiseConv2dNative"}) {
    const bool dw = op == "DepthwiseConv2dNative";
    Graph g = build({placeholder("x", {-1, 6, 6, 8}), placeholder("r", {-1, 6, 6, 8}),
                     const_node("w", integers(dw ? Shape{3, 3, 8, 1} : Shape{3, 3, 8, 8}, 1, -127, 127)),
                     const_node("b", integers({8}, 2, -3000, 3000)),
                     const_node("deq", random_floats({8}, 3, 1e-4f, 3e-3f)),
                     conv("conv", op, "x", "w"), make_node("bias", "BiasAdd", {"conv", "b"}),
                     make_node("dequant", "Mul", {"bias", "deq"}), make_node("add", "AddV2", {"dequant", "r"}),
                     make_node("relu", "Relu6", {"add"})});
    const std::string fused_step = "node 'conv' (" + op + "+BiasAdd+Mul+AddV2+Relu6)";
    EXPECT_EQ(steps_of(g, {"relu"}, {}), std::vector<std::string>{fused_step});
    SessionOptions off, ref;
    off.enable_fusion = false;
    ref.reference_kernels = true;
    for (int64_t n : {1, 2}) {
      const Feeds f = {{"x", integers({n, 6, 6, 8}, 4, -128, 127)}, {"r", random_floats({n, 6, 6, 8}, 5, -2.0f, 2.0f)}};
      const auto fused = run(g, {"relu"}, f), plain = run(g, {"relu"}, f, off), reference = run(g, {"relu"}, f, ref);
      ASSERT_EQ(fused.size(), 1u);
      ASSERT_EQ(plain.size(), 1u);
      ASSERT_EQ(reference.size(), 1u);
      EXPECT_EQ(max_abs_diff(fused[0], plain[0]), 0.0f) << op << " n=" << n;
      EXPECT_EQ(max_abs_diff(fused[0], reference[0]), 0.0f) << op << " n=" << n;
      EXPECT_GT(max_abs_diff(fused[0], Tensor(DataType::kFloat, fused[0].shape())), 0.5f);  // not all zero
    }
  }
}

TEST(Fusion, ChannelScaleOfTheWrongLengthIsAnError) {
  // A [5] scale on 8 channels cannot be a per-channel post-op: the fused
  // kernel refuses it and the unfused Mul reports the broadcast error.
  Graph g = build({placeholder("x", {1, 4, 4, 8}), const_node("w", random_floats({1, 1, 8, 8}, 1)),
                   const_node("deq", random_floats({5}, 3)), conv("conv", "Conv2D", "x", "w"),
                   make_node("dequant", "Mul", {"conv", "deq"})});
  auto s = Session::create(g, {"dequant"});
  const bool failed = !s.ok() || !(*s)->run({{"x", random_floats({1, 4, 4, 8}, 2)}}).ok();
  EXPECT_TRUE(failed);
}

TEST(Fusion, MatMulBiasRelu) {
  Graph g = build({placeholder("x", {-1, 5}), const_node("w", random_floats({5, 3}, 1)), const_node("b", random_floats({3}, 2)),
                   make_node("mm", "MatMul", {"x", "w"}), make_node("bias", "BiasAdd", {"mm", "b"}),
                   make_node("relu", "Relu", {"bias"})});
  EXPECT_EQ(steps_of(g, {"relu"}, {}), (std::vector<std::string>{"node 'mm' (MatMul+BiasAdd+Relu)"}));
  const Tensor x = random_floats({4, 5}, 3);
  SessionOptions off;
  off.enable_fusion = false;
  auto fused = run(g, {"relu"}, {{"x", x}});
  auto plain = run(g, {"relu"}, {{"x", x}}, off);
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_LE(max_abs_diff(fused[0], plain[0]), kFusionTol);
}

}  // namespace
}  // namespace amct::runtime
