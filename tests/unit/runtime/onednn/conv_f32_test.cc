// oneDNN convolution against the scalar reference over a shape sweep, and a
// few hand-computed TF results.
#include <gtest/gtest.h>

#include "runtime/conv_spec.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

// Inputs and weights in [-1, 1], at most 5*5*17 products per output: float32
// accumulation in another order stays well inside this.
constexpr float kConvTol = 1e-4f;

struct ConvCase {
  bool depthwise = false;
  int64_t n = 1, h = 7, w = 7, c = 3, k = 3, m = 4;  // m: output channels, or the depthwise multiplier
  int64_t stride = 1, dilation = 1;
  std::string padding = "SAME";
  bool bias = false, residual = false;
  std::string act;  // "", "Relu", "Relu6"
  std::string str() const {
    return std::string(depthwise ? "dw" : "conv") + " n" + std::to_string(n) + " " + std::to_string(h) + "x" +
           std::to_string(w) + "x" + std::to_string(c) + " k" + std::to_string(k) + " m" + std::to_string(m) + " s" +
           std::to_string(stride) + " d" + std::to_string(dilation) + " " + padding + (bias ? " +bias" : "") +
           (residual ? " +sum" : "") + (act.empty() ? "" : " +" + act);
  }
};

// EXPLICIT cases pad top 1, bottom 2, left 2, right 0.
const std::vector<int64_t> kExplicit = {0, 0, 1, 2, 2, 0, 0, 0};

Node conv_node(const ConvCase& c, const std::string& x, const std::string& f) {
  Node n = make_node("conv", c.depthwise ? "DepthwiseConv2dNative" : "Conv2D", {x, f},
                     {{"strides", AttrValue::of_ints({1, c.stride, c.stride, 1})},
                      {"dilations", AttrValue::of_ints({1, c.dilation, c.dilation, 1})},
                      {"padding", AttrValue::of_string(c.padding)},
                      {"data_format", AttrValue::of_string("NHWC")}});
  if (c.padding == "EXPLICIT") n.attrs["explicit_paddings"] = AttrValue::of_ints(kExplicit);
  return n;
}

// x -> conv [-> BiasAdd] [-> AddV2 r] [-> act]; returns the graph and its output node.
std::pair<Graph, std::string> conv_graph(const ConvCase& c, const Shape& out_shape, uint32_t seed) {
  const int64_t oc = c.depthwise ? c.c * c.m : c.m;
  std::vector<Node> nodes = {placeholder("x", {-1, c.h, c.w, c.c}),
                             const_node("f", random_floats({c.k, c.k, c.c, c.m}, seed)), conv_node(c, "x", "f")};
  std::string last = "conv";
  if (c.bias) {
    nodes.push_back(const_node("b", random_floats({oc}, seed + 1)));
    nodes.push_back(make_node("bias", "BiasAdd", {last, "b"}));
    last = "bias";
  }
  if (c.residual) {
    nodes.push_back(placeholder("r", out_shape));
    nodes.push_back(make_node("add", "AddV2", {last, "r"}));
    last = "add";
  }
  if (!c.act.empty()) {
    nodes.push_back(make_node("act", c.act, {last}));
    last = "act";
  }
  return {build(nodes), last};
}

std::vector<ConvCase> sweep() {
  std::vector<ConvCase> cases;
  int i = 0;
  for (bool dw : {false, true})
    for (auto hw : {std::pair<int64_t, int64_t>{7, 7}, {8, 5}})
      for (int64_t k : {1, 3})
        for (int64_t s : {1, 2})
          for (int64_t d : {1, 2})
            for (const char* pad : {"SAME", "VALID", "EXPLICIT"}) {
              ConvCase c;
              c.depthwise = dw;
              c.h = hw.first;
              c.w = hw.second;
              c.k = k;
              c.stride = s;
              c.dilation = d;
              c.padding = pad;
              c.n = i % 2 ? 3 : 1;
              c.c = std::vector<int64_t>{3, 8, 17}[static_cast<size_t>(i % 3)];
              c.m = dw ? 1 + i % 2 : std::vector<int64_t>{4, 16, 5}[static_cast<size_t>(i % 3)];
              c.bias = i % 4 != 0;
              c.residual = i % 3 == 1;
              c.act = std::vector<std::string>{"", "Relu", "Relu6"}[static_cast<size_t>(i % 3)];
              cases.push_back(c);
              ++i;
            }
  ConvCase big;  // 5x5 window, many channels
  big.k = 5;
  big.c = 17;
  big.m = 33;
  big.h = 9;
  big.w = 11;
  big.stride = 2;
  big.n = 3;
  big.bias = true;
  big.act = "Relu6";
  cases.push_back(big);
  return cases;
}

TEST(OnednnConvF32, MatchesReferenceOverShapeSweep) {
  uint32_t seed = 1;
  for (const ConvCase& c : sweep()) {
    SCOPED_TRACE(c.str());
    ConvSpec spec;
    spec.depthwise = c.depthwise;
    spec.stride_h = spec.stride_w = c.stride;
    spec.dilation_h = spec.dilation_w = c.dilation;
    spec.padding = c.padding == "SAME" ? PaddingMode::kSame : c.padding == "VALID" ? PaddingMode::kValid : PaddingMode::kExplicit;
    for (int j = 0; j < 4; ++j) spec.explicit_pads[j] = kExplicit[static_cast<size_t>(2 + j)];
    auto geo = conv_geometry(spec, {c.n, c.h, c.w, c.c}, {c.k, c.k, c.c, c.m});
    if (!geo.ok()) continue;  // window larger than a VALID input
    const Shape out_shape{c.n, geo->oh, geo->ow, geo->oc};
    auto [g, out] = conv_graph(c, out_shape, seed++);
    Feeds feeds{{"x", random_floats({c.n, c.h, c.w, c.c}, seed++)}};
    if (c.residual) feeds.push_back({"r", random_floats(out_shape, seed++)});
    auto [fast, ref] = run_both(g, out, feeds);
    ASSERT_EQ(fast.shape(), out_shape);
    EXPECT_LE(max_abs_diff(fast, ref), kConvTol);
  }
}

// TF SAME with stride 2 on an even size pads 0 before and 1 after.
TEST(OnednnConvF32, SameStride2PadsAfterLikeTensorFlow) {
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  ConvCase c;
  c.h = c.w = 4;
  c.c = 1;
  c.m = 1;
  c.stride = 2;
  Graph g = build({placeholder("x", {1, 4, 4, 1}), const_node("f", floats({3, 3, 1, 1}, std::vector<float>(9, 1.0f))),
                   conv_node(c, "x", "f")});
  auto [fast, ref] = run_both(g, "conv", {{"x", floats({1, 4, 4, 1}, x)}});
  // Windows: rows/cols {0,1,2} and {2,3}+pad.
  const std::vector<float> want = {54, 45, 72, 54};
  EXPECT_EQ(values(fast), want);
  EXPECT_EQ(values(ref), want);
}

TEST(OnednnConvF32, DepthwiseMultiplierOrdersChannelsLikeTensorFlow) {
  // One pixel, 2 channels, multiplier 2: output channel c*2+m = x[c] * f[c][m].
  ConvCase c;
  c.depthwise = true;
  c.h = c.w = 1;
  c.k = 1;
  Graph g = build({placeholder("x", {1, 1, 1, 2}), const_node("f", floats({1, 1, 2, 2}, {1, 2, 3, 4})),
                   conv_node(c, "x", "f")});
  auto [fast, ref] = run_both(g, "conv", {{"x", floats({1, 1, 1, 2}, {10, 100})}});
  EXPECT_EQ(values(fast), (std::vector<float>{10, 20, 300, 400}));
  EXPECT_EQ(values(ref), values(fast));
}

TEST(OnednnConvF32, NonConstantFilterIsReorderedEachRun) {
  ConvCase c;
  Graph g = build({placeholder("x", {1, 5, 5, 3}), placeholder("f", {3, 3, 3, 4}), conv_node(c, "x", "f")});
  auto session = Session::create(g, {"conv"});
  ASSERT_TRUE(session.ok());
  const Tensor x = random_floats({1, 5, 5, 3}, 3);
  for (uint32_t seed : {4u, 5u}) {
    const Tensor f = random_floats({3, 3, 3, 4}, seed);
    auto out = (*session)->run({{"x", x}, {"f", f}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    auto [unused, ref] = run_both(g, "conv", {{"x", x}, {"f", f}});
    EXPECT_LE(max_abs_diff((*out)[0], ref), kConvTol);
  }
}

TEST(OnednnConvF32, ErrorsNameTheNode) {
  ConvCase c;
  Node nchw = conv_node(c, "x", "f");
  nchw.attrs["data_format"] = AttrValue::of_string("NCHW");
  Graph g = build({placeholder("x", {1, 5, 5, 3}), const_node("f", random_floats({3, 3, 3, 4}, 1)), nchw});
  EXPECT_NE(failure(g, {"conv"}, {}).find("node 'conv' (Conv2D): data_format 'NCHW'"), std::string::npos);

  // Filter expects 3 input channels; the fed input has 2 (placeholder shape unknown).
  Graph g2 = build({placeholder("x", {-1, -1, -1, -1}), const_node("f", random_floats({3, 3, 3, 4}, 1)),
                    conv_node(c, "x", "f")});
  const std::string msg = failure(g2, {"conv"}, {{"x", random_floats({1, 5, 5, 2}, 2)}});
  EXPECT_NE(msg.find("node 'conv' (Conv2D)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("input channels"), std::string::npos) << msg;
}

}  // namespace
}  // namespace amct::runtime
