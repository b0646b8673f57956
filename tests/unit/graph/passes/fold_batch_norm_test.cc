#include "graph/passes/fold_batch_norm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "graph/validate.h"
#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

// Direct NHWC convolution, VALID padding, stride 1, batch 1. Depthwise filters
// are [KH,KW,Cin,M] with output channel cin*M+m.
std::vector<float> conv(const std::vector<float>& x, int h, int w, int cin, const Tensor& f, bool depthwise) {
  const int kh = static_cast<int>(f.dim(0)), kw = static_cast<int>(f.dim(1));
  const int last = static_cast<int>(f.dim(3));
  const int cout = depthwise ? cin * last : last;
  const int oh = h - kh + 1, ow = w - kw + 1;
  std::vector<float> y(static_cast<size_t>(oh * ow * cout), 0.0f);
  const float* fw = f.data<float>();
  for (int i = 0; i < oh; ++i)
    for (int j = 0; j < ow; ++j)
      for (int o = 0; o < cout; ++o) {
        double acc = 0;
        for (int a = 0; a < kh; ++a)
          for (int b = 0; b < kw; ++b) {
            const float* px = &x[static_cast<size_t>(((i + a) * w + (j + b)) * cin)];
            const float* pf = &fw[static_cast<size_t>((a * kw + b) * cin * last)];
            if (depthwise) {
              acc += px[o / last] * pf[o];  // o = cin*M + m addresses [cin][m] directly
            } else {
              for (int c = 0; c < cin; ++c) acc += px[c] * pf[c * last + o];
            }
          }
        y[static_cast<size_t>((i * ow + j) * cout + o)] = static_cast<float>(acc);
      }
  return y;
}

std::vector<float> ramp(size_t n, float scale, float offset) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<float>(i) * scale + offset);
  return v;
}

Node conv_node(const std::string& name, const std::string& op, const std::string& filter) {
  Node n = float_op(name, op, {"x", filter});
  n.attrs["strides"] = AttrValue::of_ints({1, 1, 1, 1});
  n.attrs["padding"] = AttrValue::of_string("VALID");
  n.attrs["data_format"] = AttrValue::of_string("NHWC");
  return n;
}

Node fused_bn(const std::string& name, const std::string& op, const std::string& input, bool training = false) {
  Node n = float_op(name, op, {input, "gamma", "beta", "mean", "var"});
  n.attrs["epsilon"] = AttrValue::of_float(0.001f);
  n.attrs["is_training"] = AttrValue::of_bool(training);
  n.attrs["data_format"] = AttrValue::of_string("NHWC");
  return n;
}

std::vector<Node> bn_params(int c) {
  return {const_node("gamma", floats({c}, ramp(static_cast<size_t>(c), 0.7f, 1.0f))),
          const_node("beta", floats({c}, ramp(static_cast<size_t>(c), 1.3f, 0.2f))),
          const_node("mean", floats({c}, ramp(static_cast<size_t>(c), 0.4f, -0.5f))),
          const_node("var", floats({c}, {0.5f, 1.5f, 2.0f, 0.1f}))};
}

// y = gamma*(v - mean)/sqrt(var+eps) + beta, channel-last.
std::vector<float> batch_norm(std::vector<float> v, const Graph& g, int c) {
  const Tensor ga = const_value(g, "gamma"), be = const_value(g, "beta"), me = const_value(g, "mean"),
               va = const_value(g, "var");
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t k = i % static_cast<size_t>(c);
    v[i] = static_cast<float>(ga.data<float>()[k] * (v[i] - me.data<float>()[k]) /
                                  std::sqrt(double(va.data<float>()[k]) + 0.001) +
                              be.data<float>()[k]);
  }
  return v;
}

std::vector<float> add_bias(std::vector<float> v, const Tensor& b) {
  for (size_t i = 0; i < v.size(); ++i) v[i] += b.data<float>()[i % static_cast<size_t>(b.num_elements())];
  return v;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5f * (1 + std::fabs(a[i]))) << "at " << i;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<float> kInput = ramp(3 * 3 * 2, 0.9f, 0.3f);  // [1,3,3,2]

TEST(FoldBatchNorm, ConvBiasAddFusedBatchNorm) {
  std::vector<Node> nodes = {placeholder("x", {1, 3, 3, 2}), const_node("w", floats({2, 2, 2, 4}, ramp(32, 0.37f, 0))),
                             float_op("w/read", "Identity", {"w"}), conv_node("conv", "Conv2D", "w/read"),
                             const_node("b", floats({4}, {0.1f, -0.2f, 0.3f, 0.0f})),
                             float_op("bias_add", "BiasAdd", {"conv", "b"})};
  for (auto& p : bn_params(4)) nodes.push_back(p);
  nodes.push_back(fused_bn("bn", "FusedBatchNorm", "bias_add"));
  nodes.push_back(float_op("relu", "Relu", {"bn"}));
  Graph g = build(nodes);
  const Graph before = g;
  const auto want = batch_norm(add_bias(conv(kInput, 3, 3, 2, const_value(g, "w"), false), const_value(g, "b")), g, 4);

  auto folded = fold_batch_norm(g, {});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  ASSERT_EQ(folded->size(), 1u);
  const FoldedBatchNorm& f = folded->front();
  EXPECT_EQ(f.conv, "conv");
  EXPECT_EQ(f.bias_add, "bn");
  for (const char* gone : {"bias_add", "w", "w/read", "b", "gamma", "beta", "mean", "var"}) {
    EXPECT_TRUE(contains(f.removed_nodes, gone)) << gone;
    EXPECT_EQ(g.find(gone), nullptr) << gone;
  }
  const Node* bn = g.find("bn");
  EXPECT_EQ(bn->op, "BiasAdd");
  EXPECT_EQ(bn->inputs, (std::vector<std::string>{"conv", "conv/bias_folded"}));
  EXPECT_EQ(bn->attr_string("data_format").value(), "NHWC");
  EXPECT_EQ(g.find("conv")->inputs[1], "conv/weights_folded");
  EXPECT_EQ(g.find("relu")->inputs[0], "bn");
  EXPECT_TRUE(validate(g).is_ok()) << validate(g).message();

  const auto got = add_bias(conv(kInput, 3, 3, 2, const_value(g, "conv/weights_folded"), false),
                            const_value(g, "conv/bias_folded"));
  expect_close(got, want);
  (void)before;
}

TEST(FoldBatchNorm, DepthwiseWithMultiplierFusedBatchNormV3) {
  std::vector<Node> nodes = {placeholder("x", {1, 3, 3, 2}), const_node("w", floats({2, 2, 2, 2}, ramp(16, 0.51f, 0.4f))),
                             conv_node("dw", "DepthwiseConv2dNative", "w")};
  for (auto& p : bn_params(4)) nodes.push_back(p);
  nodes.push_back(fused_bn("bn", "FusedBatchNormV3", "dw"));
  Graph g = build(nodes);
  const auto want = batch_norm(conv(kInput, 3, 3, 2, const_value(g, "w"), true), g, 4);
  auto folded = fold_batch_norm(g, {});
  ASSERT_TRUE(folded.ok());
  ASSERT_EQ(folded->size(), 1u);
  EXPECT_EQ(g.find("bn")->op, "BiasAdd");
  const auto got = add_bias(conv(kInput, 3, 3, 2, const_value(g, "dw/weights_folded"), true),
                            const_value(g, "dw/bias_folded"));
  expect_close(got, want);
}

TEST(FoldBatchNorm, MulAddFormLeftByConstantFolding) {
  const std::vector<float> scale = {0.5f, -1.25f, 2.0f, 0.75f}, shift = {0.1f, 0.2f, -0.3f, 0.4f};
  Graph g = build({placeholder("x", {1, 3, 3, 2}), const_node("w", floats({2, 2, 2, 4}, ramp(32, 0.29f, 0.1f))),
                   conv_node("conv", "Conv2D", "w"), const_node("s", floats({4}, scale)),
                   float_op("mul", "Mul", {"s", "conv"}), const_node("t", floats({1, 1, 1, 4}, shift)),
                   float_op("add", "AddV2", {"mul", "t"}), float_op("relu", "Relu", {"add"})});
  auto want = conv(kInput, 3, 3, 2, const_value(g, "w"), false);
  for (size_t i = 0; i < want.size(); ++i) want[i] = want[i] * scale[i % 4] + shift[i % 4];
  auto folded = fold_batch_norm(g, {});
  ASSERT_TRUE(folded.ok());
  ASSERT_EQ(folded->size(), 1u);
  EXPECT_EQ(folded->front().bias_add, "add");
  EXPECT_TRUE(contains(folded->front().removed_nodes, "mul"));
  EXPECT_EQ(count_op(g, "Mul"), 0u);
  EXPECT_EQ(g.find("add")->op, "BiasAdd");
  const auto got = add_bias(conv(kInput, 3, 3, 2, const_value(g, "conv/weights_folded"), false),
                            const_value(g, "conv/bias_folded"));
  expect_close(got, want);
}

TEST(FoldBatchNorm, SharedWeightsStayForTheOtherReader) {
  std::vector<Node> nodes = {placeholder("x", {1, 3, 3, 2}), const_node("w", floats({1, 1, 2, 4}, ramp(8, 0.3f, 0))),
                             conv_node("conv", "Conv2D", "w"), conv_node("conv2", "Conv2D", "w")};
  for (auto& p : bn_params(4)) nodes.push_back(p);
  nodes.push_back(fused_bn("bn", "FusedBatchNorm", "conv"));
  nodes.push_back(float_op("out", "AddV2", {"bn", "conv2"}));
  Graph g = build(nodes);
  auto folded = fold_batch_norm(g, {});
  ASSERT_TRUE(folded.ok());
  ASSERT_EQ(folded->size(), 1u);
  ASSERT_NE(g.find("w"), nullptr);
  EXPECT_EQ(g.find("conv2")->inputs[1], "w");
  EXPECT_FALSE(contains(folded->front().removed_nodes, "w"));
}

// Each case breaks one precondition: nothing may change.
TEST(FoldBatchNorm, LeavesPatternsItMustNotTouch) {
  auto base = [](const std::string& bn_op, bool training) {
    std::vector<Node> nodes = {placeholder("x", {1, 3, 3, 2}), const_node("w", floats({1, 1, 2, 4}, ramp(8, 0.3f, 0))),
                               conv_node("conv", "Conv2D", "w")};
    for (auto& p : bn_params(4)) nodes.push_back(p);
    nodes.push_back(fused_bn("bn", bn_op, "conv", training));
    return nodes;
  };
  struct Case {
    const char* what;
    std::vector<Node> nodes;
    BatchNormFoldOptions opts;
  };
  std::vector<Case> cases;
  cases.push_back({"training", base("FusedBatchNorm", true), {}});
  {
    auto n = base("FusedBatchNorm", false);
    n.back().attrs.erase("is_training");  // TF's default is true
    cases.push_back({"default is_training", n, {}});
  }
  {
    auto n = base("FusedBatchNorm", false);
    n.push_back(float_op("peek", "Relu", {"conv"}));
    cases.push_back({"conv has a second reader", n, {}});
  }
  {
    auto n = base("FusedBatchNormV3", false);
    n.push_back(float_op("m", "Relu", {"bn:1"}));
    cases.push_back({"batch mean output read", n, {}});
  }
  {
    BatchNormFoldOptions skip;
    skip.skip_convs = {"conv"};
    cases.push_back({"skip_fusion_layers", base("FusedBatchNorm", false), skip});
  }
  {
    auto n = base("FusedBatchNorm", false);
    n[1] = placeholder("w", {1, 1, 2, 4});
    cases.push_back({"weights not constant", n, {}});
  }
  {
    auto n = base("FusedBatchNorm", false);
    n[3] = const_node("gamma", floats({3}, {1, 1, 1}));
    cases.push_back({"gamma of the wrong length", n, {}});
  }
  for (auto& c : cases) {
    SCOPED_TRACE(c.what);
    Graph g = build(c.nodes);
    const auto before = names(g);
    auto folded = fold_batch_norm(g, c.opts);
    ASSERT_TRUE(folded.ok());
    EXPECT_TRUE(folded->empty());
    EXPECT_EQ(names(g), before);
    EXPECT_EQ(g.find("bn")->op.rfind("FusedBatchNorm", 0), 0u);
  }
}

TEST(FoldBatchNorm, ControlEdgesSurvive) {
  std::vector<Node> nodes = {placeholder("x", {1, 3, 3, 2}), make_node("init", "NoOp"),
                             const_node("w", floats({1, 1, 2, 4}, ramp(8, 0.3f, 0))), conv_node("conv", "Conv2D", "w")};
  for (auto& p : bn_params(4)) nodes.push_back(p);
  Node bn = fused_bn("bn", "FusedBatchNorm", "conv");
  bn.inputs.push_back("^init");
  nodes.push_back(bn);
  nodes.push_back(float_op("after", "Relu", {"x", "^bn"}));
  Graph g = build(nodes);
  auto folded = fold_batch_norm(g, {});
  ASSERT_TRUE(folded.ok());
  ASSERT_EQ(folded->size(), 1u);
  EXPECT_EQ(g.find("bn")->inputs, (std::vector<std::string>{"conv", "conv/bias_folded", "^init"}));
  EXPECT_TRUE(validate(g).is_ok());
}

}  // namespace
}  // namespace amct::graph
