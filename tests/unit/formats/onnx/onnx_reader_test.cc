// The ONNX reader on hand-built models: each op's conversion run through
// runtime::Session against values computed here in NCHW, the layout
// Transposes gone after import, and hostile files answered with errors.
#include "formats/onnx/onnx_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "graph/passes/pipeline.h"
#include "onnx_model_maker.h"
#include "runtime/session.h"

namespace amct::onnx_import {
namespace {

using graph::Tensor;
using testing::ModelMaker;

std::vector<float> random_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// A dense NCHW array with its shape.
struct Nchw {
  int64_t n, c, h, w;
  std::vector<float> v;
  float at(int64_t a, int64_t b, int64_t y, int64_t x) const { return v[static_cast<size_t>(((a * c + b) * h + y) * w + x)]; }
  // The same values as an NHWC tensor (what amct feeds).
  Tensor nhwc() const {
    Tensor t(graph::DataType::kFloat, {n, h, w, c});
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < c; ++b)
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < w; ++x) t.data<float>()[((a * h + y) * w + x) * c + b] = at(a, b, y, x);
    return t;
  }
};

Nchw random_nchw(int64_t n, int64_t c, int64_t h, int64_t w, uint32_t seed) {
  return Nchw{n, c, h, w, random_values(static_cast<size_t>(n * c * h * w), seed)};
}

struct ConvParams {
  int64_t group = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0, pb = 0, pr = 0;
};

// ONNX Conv by definition (weights OIHW, groups).
Nchw conv_ref(const Nchw& x, const std::vector<float>& w, int64_t o, int64_t kh, int64_t kw,
              const std::vector<float>& b, const ConvParams& p) {
  const int64_t cg = x.c / p.group, og = o / p.group;
  const int64_t oh = (x.h + p.pt + p.pb - ((kh - 1) * p.dh + 1)) / p.sh + 1;
  const int64_t ow = (x.w + p.pl + p.pr - ((kw - 1) * p.dw + 1)) / p.sw + 1;
  Nchw y{x.n, o, oh, ow, std::vector<float>(static_cast<size_t>(x.n * o * oh * ow))};
  for (int64_t a = 0; a < x.n; ++a)
    for (int64_t oc = 0; oc < o; ++oc)
      for (int64_t yy = 0; yy < oh; ++yy)
        for (int64_t xx = 0; xx < ow; ++xx) {
          double s = b.empty() ? 0.0 : b[static_cast<size_t>(oc)];
          for (int64_t ic = 0; ic < cg; ++ic)
            for (int64_t ky = 0; ky < kh; ++ky)
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t iy = yy * p.sh + ky * p.dh - p.pt, ix = xx * p.sw + kx * p.dw - p.pl;
                if (iy < 0 || iy >= x.h || ix < 0 || ix >= x.w) continue;
                s += static_cast<double>(w[static_cast<size_t>(((oc * cg + ic) * kh + ky) * kw + kx)]) *
                     x.at(a, (oc / og) * cg + ic, iy, ix);
              }
          y.v[static_cast<size_t>(((a * o + oc) * oh + yy) * ow + xx)] = static_cast<float>(s);
        }
  return y;
}

int count_op(const graph::Graph& g, const std::string& op) {
  int n = 0;
  for (size_t i = 0; i < g.size(); ++i) n += g.node(i).op == op;
  return n;
}

// Import, the import pipeline, one run.
Tensor run_model(const ModelMaker& mm, const std::string& input, const Tensor& x, const std::string& output,
                 graph::Graph* imported = nullptr) {
  auto g = parse_onnx(mm.bytes(), "t.onnx");
  EXPECT_TRUE(g.ok()) << g.status().message();
  if (!g.ok()) return Tensor();
  Status st = graph::run_import_pipeline(*g, {output});
  EXPECT_TRUE(st.is_ok()) << st.message();
  if (imported) *imported = *g;
  auto s = runtime::Session::create(*g, {output});
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Tensor();
  auto out = (*s)->run({{input, x}});
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? out->at(0) : Tensor();
}

void expect_nhwc_equal(const Tensor& got, const Nchw& want, float tol = 1e-4f) {
  ASSERT_EQ(got.shape(), (graph::Shape{want.n, want.h, want.w, want.c}));
  for (int64_t a = 0; a < want.n; ++a)
    for (int64_t b = 0; b < want.c; ++b)
      for (int64_t y = 0; y < want.h; ++y)
        for (int64_t x = 0; x < want.w; ++x)
          ASSERT_NEAR(got.data<float>()[((a * want.h + y) * want.w + x) * want.c + b], want.at(a, b, y, x), tol)
              << "at " << a << "," << b << "," << y << "," << x;
}

// NCHW Conv output read back NHWC through an ONNX Transpose (cancels the layout one).
ModelMaker conv_model(const Nchw& x, const std::vector<float>& w, const std::vector<int64_t>& wdims,
                      const std::vector<float>& b, const ConvParams& p, const std::string& auto_pad = "") {
  ModelMaker mm;
  mm.input("x", {-1, x.c, x.h, x.w}).output("y");
  mm.init_float("w", wdims, w);
  std::vector<std::string> ins = {"x", "w"};
  if (!b.empty()) {
    mm.init_float("b", {wdims[0]}, b);
    ins.push_back("b");
  }
  auto* c = mm.node("Conv", ins, {"c"}, "conv");
  ModelMaker::i(c, "group", p.group);
  ModelMaker::ints(c, "strides", {p.sh, p.sw});
  ModelMaker::ints(c, "dilations", {p.dh, p.dw});
  if (auto_pad.empty()) ModelMaker::ints(c, "pads", {p.pt, p.pl, p.pb, p.pr});
  else ModelMaker::s(c, "auto_pad", auto_pad);
  ModelMaker::ints(mm.node("Transpose", {"c"}, {"y"}), "perm", {0, 2, 3, 1});
  return mm;
}

TEST(OnnxReader, ConvExplicitPadsStridesDilations) {
  const Nchw x = random_nchw(2, 3, 7, 6, 1);
  const auto w = random_values(4 * 3 * 3 * 2, 2), b = random_values(4, 3);
  ConvParams p;
  p.sh = 2, p.dw = 2, p.pt = 1, p.pl = 0, p.pb = 2, p.pr = 1;
  graph::Graph g;
  Tensor y = run_model(conv_model(x, w, {4, 3, 3, 2}, b, p), "x", x.nhwc(), "y", &g);
  expect_nhwc_equal(y, conv_ref(x, w, 4, 3, 2, b, p));
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  EXPECT_EQ(count_op(g, "Conv2D"), 1);
  const graph::Node* ph = g.find("x");
  ASSERT_NE(ph, nullptr);
  EXPECT_EQ(ph->attr("shape")->shape.dims, (graph::Shape{-1, 7, 6, 3}));  // NCHW input fed NHWC
}

TEST(OnnxReader, DepthwiseConvSameUpper) {
  const Nchw x = random_nchw(1, 2, 5, 5, 4);
  const auto w = random_values(4 * 1 * 3 * 3, 5), b = random_values(4, 6);
  ConvParams p;
  p.group = 2, p.sh = 2, p.sw = 2, p.pt = 1, p.pl = 1, p.pb = 1, p.pr = 1;  // SAME on 5 with stride 2
  graph::Graph g;
  Tensor y = run_model(conv_model(x, w, {4, 1, 3, 3}, b, p, "SAME_UPPER"), "x", x.nhwc(), "y", &g);
  expect_nhwc_equal(y, conv_ref(x, w, 4, 3, 3, b, p));
  EXPECT_EQ(count_op(g, "DepthwiseConv2dNative"), 1);
}

TEST(OnnxReader, ExplicitSamePadsBecomeSame) {
  const Nchw x = random_nchw(1, 2, 6, 6, 7);
  const auto w = random_values(3 * 2 * 3 * 3, 8);
  ConvParams p;
  p.sh = 2, p.sw = 2, p.pt = 0, p.pl = 0, p.pb = 1, p.pr = 1;  // what tf2onnx writes for SAME
  graph::Graph g;
  Tensor y = run_model(conv_model(x, w, {3, 2, 3, 3}, {}, p), "x", x.nhwc(), "y", &g);
  expect_nhwc_equal(y, conv_ref(x, w, 3, 3, 3, {}, p));
  bool same = false;
  for (size_t i = 0; i < g.size(); ++i)
    if (g.node(i).op == "Conv2D") same = g.node(i).attr_string_or("padding", "") == "SAME";
  EXPECT_TRUE(same);
}

// Conv -> Clip(0,6) -> Conv -> Add(residual) -> Relu -> Mul(const [C,1,1]):
// every layout Transpose sinks and cancels.
TEST(OnnxReader, ElementwiseChainRunsNhwcEndToEnd) {
  const Nchw x = random_nchw(1, 2, 4, 4, 9);
  const auto w1 = random_values(2 * 2, 10), w2 = random_values(2 * 2, 11), k = random_values(2, 12);
  ModelMaker mm;
  mm.input("x", {1, 2, 4, 4}).output("y");
  mm.init_float("w1", {2, 2, 1, 1}, w1);
  mm.init_float("w2", {2, 2, 1, 1}, w2);
  mm.init_float("lo", {}, {0.0f});
  mm.init_float("hi", {}, {6.0f});
  mm.init_float("k", {2, 1, 1}, k);
  mm.node("Conv", {"x", "w1"}, {"c1"});
  mm.node("Clip", {"c1", "lo", "hi"}, {"r1"});
  mm.node("Conv", {"r1", "w2"}, {"c2"});
  mm.node("Add", {"c2", "r1"}, {"a"});
  mm.node("Relu", {"a"}, {"r2"});
  mm.node("Mul", {"r2", "k"}, {"m"});
  ModelMaker::ints(mm.node("Transpose", {"m"}, {"y"}), "perm", {0, 2, 3, 1});
  graph::Graph g;
  Tensor y = run_model(mm, "x", x.nhwc(), "y", &g);
  Nchw c1 = conv_ref(x, w1, 2, 1, 1, {}, {});
  for (auto& v : c1.v) v = std::min(std::max(v, 0.0f), 6.0f);
  Nchw want = conv_ref(c1, w2, 2, 1, 1, {}, {});
  for (size_t i = 0; i < want.v.size(); ++i) {
    const int64_t ch = static_cast<int64_t>(i / 16) % 2;
    want.v[i] = std::max(want.v[i] + c1.v[i], 0.0f) * k[static_cast<size_t>(ch)];
  }
  expect_nhwc_equal(y, want);
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  EXPECT_EQ(count_op(g, "Relu6"), 1);
}

// MaxPool -> AveragePool (SAME pads) -> Flatten -> Gemm(transB) -> Softmax:
// the flatten's NCHW order goes into the Gemm weights.
TEST(OnnxReader, PoolsFlattenGemmSoftmax) {
  const Nchw x = random_nchw(2, 2, 6, 6, 13);
  const auto w = random_values(5 * 18, 14), b = random_values(5, 15);
  ModelMaker mm;
  mm.input("x", {-1, 2, 6, 6}).output("y");
  mm.init_float("w", {5, 18}, w);
  mm.init_float("b", {5}, b);
  auto* mp = mm.node("MaxPool", {"x"}, {"p1"});
  ModelMaker::ints(mp, "kernel_shape", {2, 2});
  ModelMaker::ints(mp, "strides", {2, 2});
  auto* ap = mm.node("AveragePool", {"p1"}, {"p2"});
  ModelMaker::ints(ap, "kernel_shape", {3, 3});
  ModelMaker::ints(ap, "pads", {1, 1, 1, 1});
  mm.node("Flatten", {"p2"}, {"f"});
  ModelMaker::i(mm.node("Gemm", {"f", "w", "b"}, {"g"}), "transB", 1);
  mm.node("Softmax", {"g"}, {"y"});
  graph::Graph g;
  Tensor y = run_model(mm, "x", x.nhwc(), "y", &g);
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  ASSERT_EQ(y.shape(), (graph::Shape{2, 5}));
  for (int64_t a = 0; a < 2; ++a) {
    float p1[2][3][3], p2[2][3][3];
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          p1[c][i][j] = std::max({x.at(a, c, 2 * i, 2 * j), x.at(a, c, 2 * i + 1, 2 * j), x.at(a, c, 2 * i, 2 * j + 1),
                                  x.at(a, c, 2 * i + 1, 2 * j + 1)});
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
          float s = 0;
          int cnt = 0;
          for (int di = -1; di <= 1; ++di)
            for (int dj = -1; dj <= 1; ++dj)
              if (i + di >= 0 && i + di < 3 && j + dj >= 0 && j + dj < 3) s += p1[c][i + di][j + dj], ++cnt;
          p2[c][i][j] = s / static_cast<float>(cnt);  // count_include_pad 0
        }
    double logits[5], mx = -1e30, sum = 0;
    for (int o = 0; o < 5; ++o) {
      double s = b[static_cast<size_t>(o)];
      for (int k = 0; k < 18; ++k) s += static_cast<double>(w[static_cast<size_t>(o * 18 + k)]) * p2[k / 9][(k / 3) % 3][k % 3];
      logits[o] = s;
      mx = std::max(mx, s);
    }
    for (double l : logits) sum += std::exp(l - mx);
    for (int o = 0; o < 5; ++o)
      EXPECT_NEAR(y.data<float>()[a * 5 + o], std::exp(logits[o] - mx) / sum, 1e-5) << a << "," << o;
  }
}

// BatchNormalization -> GlobalAveragePool -> Reshape [-1, C]: the last layout
// Transpose only moves size-1 axes and becomes a Reshape.
TEST(OnnxReader, BatchNormGlobalPoolReshape) {
  const Nchw x = random_nchw(2, 3, 4, 5, 16);
  const std::vector<float> scale = {0.5f, 2.0f, -1.0f}, bias = {0.1f, 0.2f, 0.3f}, mean = {0.0f, 0.5f, -0.5f},
                           var = {1.0f, 0.25f, 4.0f};
  ModelMaker mm;
  mm.input("x", {-1, 3, 4, 5}).output("y");
  mm.init_float("s", {3}, scale);
  mm.init_float("bb", {3}, bias);
  mm.init_float("m", {3}, mean);
  mm.init_float("v", {3}, var);
  mm.init_int64("shape", {2}, {-1, 3});
  ModelMaker::f(mm.node("BatchNormalization", {"x", "s", "bb", "m", "v"}, {"bn"}), "epsilon", 1e-3f);
  mm.node("GlobalAveragePool", {"bn"}, {"gap"});
  mm.node("Reshape", {"gap", "shape"}, {"y"});
  graph::Graph g;
  Tensor y = run_model(mm, "x", x.nhwc(), "y", &g);
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  ASSERT_EQ(y.shape(), (graph::Shape{2, 3}));
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t c = 0; c < 3; ++c) {
      double s = 0;
      for (int64_t i = 0; i < 20; ++i) s += x.at(a, c, i / 5, i % 5);
      const double want = (s / 20 - mean[c]) / std::sqrt(var[c] + 1e-3) * scale[c] + bias[c];
      EXPECT_NEAR(y.data<float>()[a * 3 + c], want, 1e-4) << a << "," << c;
    }
}

// A tf2onnx-style NHWC model: Transpose in, NCHW ops, Transpose out.
TEST(OnnxReader, NhwcModelConcatUnsqueezeSqueeze) {
  const Nchw x = random_nchw(2, 2, 3, 3, 17);
  const auto w = random_values(2 * 2, 18);
  ModelMaker mm;
  mm.input("in:0", {-1, 3, 3, 2}).output("y");
  mm.init_float("w", {2, 2, 1, 1}, w);
  ModelMaker::ints(mm.node("Transpose", {"in:0"}, {"t"}), "perm", {0, 3, 1, 2});
  mm.node("Conv", {"t", "w"}, {"c"});
  mm.node("Relu", {"t"}, {"r"});
  ModelMaker::i(mm.node("Concat", {"c", "r"}, {"cat"}), "axis", 1);
  ModelMaker::ints(mm.node("Transpose", {"cat"}, {"y"}), "perm", {0, 2, 3, 1});
  graph::Graph g;
  Tensor y = run_model(mm, "in_0", x.nhwc(), "y", &g);
  EXPECT_EQ(count_op(g, "Transpose"), 0);
  Nchw c = conv_ref(x, w, 2, 1, 1, {}, {});
  Nchw want{2, 4, 3, 3, std::vector<float>(2 * 4 * 9)};
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t ch = 0; ch < 4; ++ch)
      for (int64_t i = 0; i < 9; ++i)
        want.v[static_cast<size_t>((a * 4 + ch) * 9 + i)] =
            ch < 2 ? c.at(a, ch, i / 3, i % 3) : std::max(x.at(a, ch - 2, i / 3, i % 3), 0.0f);
  expect_nhwc_equal(y, want);
}

// Reshape [0, 2, -1] on [N, 6]: the copied symbolic batch becomes -1, the -1 is 3.
TEST(OnnxReader, ReshapeCopiesSymbolicBatch) {
  ModelMaker mm;
  mm.input("x", {-1, 6}).output("y");
  mm.init_int64("shape", {3}, {0, 2, -1});
  mm.node("Reshape", {"x", "shape"}, {"r"});
  mm.node("Relu", {"r"}, {"y"});
  Tensor x(graph::DataType::kFloat, {2, 6});
  for (int i = 0; i < 12; ++i) x.data<float>()[i] = static_cast<float>(i - 5);
  graph::Graph g;
  Tensor y = run_model(mm, "x", x, "y", &g);
  ASSERT_EQ(y.shape(), (graph::Shape{2, 2, 3}));
  for (int i = 0; i < 12; ++i) EXPECT_EQ(y.data<float>()[i], std::max(static_cast<float>(i - 5), 0.0f));
  const Tensor shape = g.find("r/shape")->attr("value")->tensor;
  EXPECT_EQ(shape.to_int64_vector(), (std::vector<int64_t>{-1, 2, 3}));
}

// ---- errors ----

std::string import_error(const std::string& bytes) {
  auto g = parse_onnx(bytes, "t.onnx");
  EXPECT_FALSE(g.ok());
  return g.ok() ? std::string() : g.status().message();
}

ModelMaker relu_model() {
  ModelMaker mm;
  mm.input("x", {1, 4}).output("y");
  mm.node("Relu", {"x"}, {"y"}, "relu");
  return mm;
}

TEST(OnnxReaderErrors, TruncatedAndGarbage) {
  const std::string good = relu_model().bytes();
  EXPECT_TRUE(parse_onnx(good, "t.onnx").ok());
  for (size_t cut : {size_t{1}, good.size() / 2, good.size() - 1})
    EXPECT_NE(import_error(good.substr(0, cut)).find("t.onnx: not a valid ONNX model"), std::string::npos) << cut;
  EXPECT_NE(import_error("").find("t.onnx"), std::string::npos);
  EXPECT_NE(import_error(std::string(64, '\xff')).find("t.onnx: not a valid ONNX model"), std::string::npos);
}

TEST(OnnxReaderErrors, UnknownOpNamesNodeAndOp) {
  ModelMaker mm;
  mm.input("x", {1, 4}).output("y");
  mm.node("QLinearConv", {"x"}, {"y"}, "qconv");
  EXPECT_EQ(import_error(mm.bytes()), "t.onnx: node 'qconv' (QLinearConv): op not supported");
  ModelMaker other;
  other.input("x", {1, 4}).output("y");
  other.node("Relu", {"x"}, {"y"}, "r")->set_domain("com.microsoft");
  EXPECT_EQ(import_error(other.bytes()), "t.onnx: node 'r' (Relu): op not supported");
}

TEST(OnnxReaderErrors, MissingInputAndCycle) {
  ModelMaker mm;
  mm.input("x", {1, 4}).output("y");
  mm.node("Add", {"x", "nope"}, {"y"}, "add");
  const std::string e = import_error(mm.bytes());
  EXPECT_NE(e.find("t.onnx: node 'add' (Add): input 'nope'"), std::string::npos) << e;

  ModelMaker cyc;
  cyc.input("x", {1, 4}).output("y");
  cyc.node("Add", {"x", "b"}, {"a"}, "n1");
  cyc.node("Relu", {"a"}, {"b"}, "n2");
  cyc.node("Relu", {"a"}, {"y"}, "n3");
  EXPECT_NE(import_error(cyc.bytes()).find("cycle"), std::string::npos);

  ModelMaker twice;
  twice.input("x", {1, 4}).output("y");
  twice.node("Relu", {"x"}, {"y"}, "n1");
  twice.node("Relu", {"x"}, {"y"}, "n2");
  EXPECT_NE(import_error(twice.bytes()).find("also produced"), std::string::npos);
}

TEST(OnnxReaderErrors, BadDimsAndData) {
  {
    ModelMaker mm;
    mm.input("x", {1, 4}).output("y");
    mm.init_float("k", {4}, {1, 2, 3, 4})->set_dims(0, -4);
    mm.node("Add", {"x", "k"}, {"y"});
    EXPECT_NE(import_error(mm.bytes()).find("initializer 'k'"), std::string::npos);
  }
  {
    ModelMaker mm;
    mm.input("x", {1, 4}).output("y");
    auto* t = mm.init_float("k", {4}, {1, 2, 3, 4});
    t->set_dims(0, int64_t{1} << 40);
    t->add_dims(int64_t{1} << 40);
    mm.node("Add", {"x", "k"}, {"y"});
    EXPECT_NE(import_error(mm.bytes()).find("initializer 'k'"), std::string::npos);
  }
  {
    ModelMaker mm;
    mm.input("x", {1, 4}).output("y");
    mm.init_float("k", {5}, {1, 2, 3, 4});
    mm.node("Add", {"x", "k"}, {"y"});
    EXPECT_NE(import_error(mm.bytes()).find("raw_data has 16 bytes"), std::string::npos);
  }
  {
    ModelMaker mm;
    mm.input("x", {1, -5}).output("y");
    mm.graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_dim_value(-5);
    mm.node("Relu", {"x"}, {"y"});
    EXPECT_NE(import_error(mm.bytes()).find("out of range"), std::string::npos);
  }
  {
    ModelMaker mm;  // Conv with weights computed at run time
    mm.input("x", {1, 2, 4, 4}).input("w", {2, 2, 1, 1}).output("y");
    mm.node("Conv", {"x", "w"}, {"y"}, "conv");
    EXPECT_NE(import_error(mm.bytes()).find("t.onnx: node 'conv' (Conv): input 1 (weights) 'w' must be an initializer"),
              std::string::npos);
  }
  {
    ModelMaker mm;  // a grouped, not depthwise, convolution
    mm.input("x", {1, 4, 4, 4}).output("y");
    mm.init_float("w", {4, 2, 1, 1}, std::vector<float>(8, 1.0f));
    ModelMaker::i(mm.node("Conv", {"x", "w"}, {"y"}, "conv"), "group", 2);
    EXPECT_NE(import_error(mm.bytes()).find("grouped convolution"), std::string::npos);
  }
}

TEST(OnnxReader, LooksLikeOnnx) {
  EXPECT_TRUE(looks_like_onnx(relu_model().bytes()));
  EXPECT_FALSE(looks_like_onnx(std::string("\x0a\x05", 2)));
  EXPECT_FALSE(looks_like_onnx(""));
}

}  // namespace
}  // namespace amct::onnx_import
