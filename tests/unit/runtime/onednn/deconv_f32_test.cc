// oneDNN's deconvolution for Conv2DBackpropInput against the scalar reference
// over a shape sweep, and with a filter fed at run time.
#include <gtest/gtest.h>

#include "runtime/deconv_kernel.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

// Data in [-1, 1], at most 3*3*33 products per output.
constexpr float kTol = 1e-4f;

// EXPLICIT cases pad top 1, bottom 2, left 2, right 0 (of the forward conv).
const std::vector<int64_t> kExplicit = {0, 0, 1, 2, 2, 0, 0, 0};

struct DeconvCase {
  int64_t n = 1, h = 7, w = 7, c = 3, m = 4, k = 3;  // output n,h,w,c; m: out_backprop channels
  int64_t stride = 1, dilation = 1;
  std::string padding = "SAME";
  std::string str() const {
    return "n" + std::to_string(n) + " out " + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) +
           " m" + std::to_string(m) + " k" + std::to_string(k) + " s" + std::to_string(stride) + " d" +
           std::to_string(dilation) + " " + padding;
  }
  ConvSpec spec() const {
    ConvSpec s;
    s.stride_h = s.stride_w = stride;
    s.dilation_h = s.dilation_w = dilation;
    s.padding = padding == "SAME" ? PaddingMode::kSame : padding == "VALID" ? PaddingMode::kValid : PaddingMode::kExplicit;
    for (int j = 0; j < 4; ++j) s.explicit_pads[j] = kExplicit[static_cast<size_t>(2 + j)];
    return s;
  }
};

Node deconv_node(const DeconvCase& c, const std::string& f) {
  Node n = make_node("up", "Conv2DBackpropInput", {"sizes", f, "dy"},
                     {{"strides", AttrValue::of_ints({1, c.stride, c.stride, 1})},
                      {"dilations", AttrValue::of_ints({1, c.dilation, c.dilation, 1})},
                      {"padding", AttrValue::of_string(c.padding)},
                      {"data_format", AttrValue::of_string("NHWC")}});
  if (c.padding == "EXPLICIT") n.attrs["explicit_paddings"] = AttrValue::of_ints(kExplicit);
  return n;
}

Tensor sizes_of(const DeconvCase& c) {
  return ints32({4}, {static_cast<int32_t>(c.n), static_cast<int32_t>(c.h), static_cast<int32_t>(c.w),
                      static_cast<int32_t>(c.c)});
}

std::vector<DeconvCase> sweep() {
  std::vector<DeconvCase> cases;
  int i = 0;
  for (auto hw : {std::pair<int64_t, int64_t>{7, 7}, {8, 5}, {6, 9}})
    for (int64_t k : {1, 2, 3})
      for (int64_t s : {1, 2})
        for (int64_t d : {1, 2})
          for (const char* pad : {"SAME", "VALID", "EXPLICIT"}) {
            DeconvCase c;
            c.h = hw.first;
            c.w = hw.second;
            c.k = k;
            c.stride = s;
            c.dilation = d;
            c.padding = pad;
            c.n = i % 2 ? 3 : 1;
            c.c = std::vector<int64_t>{1, 8, 17, 33}[static_cast<size_t>(i % 4)];
            c.m = std::vector<int64_t>{4, 1, 33, 5, 16}[static_cast<size_t>(i % 5)];
            cases.push_back(c);
            ++i;
          }
  DeconvCase big;  // a decoder-sized layer
  big.n = 3;
  big.h = 17;
  big.w = 15;
  big.c = 32;
  big.m = 33;
  big.k = 3;
  big.stride = 2;
  cases.push_back(big);
  return cases;
}

TEST(OnednnDeconvF32, MatchesReferenceOverShapeSweep) {
  uint32_t seed = 1;
  int ran = 0;
  for (const DeconvCase& c : sweep()) {
    SCOPED_TRACE(c.str());
    // out_backprop's size is what the forward convolution of the output gives.
    auto fwd = conv_geometry(c.spec(), {c.n, c.h, c.w, c.c}, {c.k, c.k, c.c, c.m});
    if (!fwd.ok()) continue;  // window larger than a VALID output
    const Shape dy_shape{c.n, fwd->oh, fwd->ow, c.m};
    Graph g = build({const_node("sizes", sizes_of(c)), const_node("f", random_floats({c.k, c.k, c.c, c.m}, seed++)),
                     placeholder("dy", {-1, dy_shape[1], dy_shape[2], c.m}), deconv_node(c, "f")});
    auto [fast, ref] = run_both(g, "up", {{"dy", random_floats(dy_shape, seed++)}});
    ASSERT_EQ(fast.shape(), (Shape{c.n, c.h, c.w, c.c}));
    EXPECT_LE(max_abs_diff(fast, ref), kTol);
    ++ran;
  }
  EXPECT_EQ(ran, 109);  // every case: no VALID window outgrows these outputs
}

// VALID, stride 2, 3 taps on 8 rows: 3 windows cover rows 0..6 and row 7 gets
// no gradient at all.
TEST(OnednnDeconvF32, RowsNoWindowReadStayZero) {
  DeconvCase c;
  c.h = c.w = 8;
  c.c = c.m = 2;
  c.stride = 2;
  c.padding = "VALID";
  Graph g = build({const_node("sizes", sizes_of(c)), const_node("f", random_floats({3, 3, 2, 2}, 3)),
                   placeholder("dy", {1, 3, 3, 2}), deconv_node(c, "f")});
  auto [fast, ref] = run_both(g, "up", {{"dy", random_floats({1, 3, 3, 2}, 4, 0.5f, 1.0f)}});
  ASSERT_EQ(fast.shape(), (Shape{1, 8, 8, 2}));
  for (int64_t h = 0; h < 8; ++h)
    for (int64_t w = 0; w < 8; ++w)
      for (int64_t ch = 0; ch < 2; ++ch) {
        const float v = fast.data<float>()[(h * 8 + w) * 2 + ch];
        if (h == 7 || w == 7) {
          EXPECT_EQ(v, 0.0f) << h << "," << w;
        }
      }
  EXPECT_LE(max_abs_diff(fast, ref), kTol);
}

TEST(OnednnDeconvF32, NonConstantFilterIsReorderedEachRun) {
  DeconvCase c;
  c.h = c.w = 6;
  c.stride = 2;
  Graph g = build({const_node("sizes", sizes_of(c)), placeholder("f", {3, 3, 3, 4}), placeholder("dy", {1, 3, 3, 4}),
                   deconv_node(c, "f")});
  auto session = Session::create(g, {"up"});
  ASSERT_TRUE(session.ok()) << session.status().message();
  const Tensor dy = random_floats({1, 3, 3, 4}, 5);
  std::vector<float> first;
  for (uint32_t seed : {6u, 7u}) {
    const Tensor f = random_floats({3, 3, 3, 4}, seed);
    auto out = (*session)->run({{"f", f}, {"dy", dy}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    auto [unused, ref] = run_both(g, "up", {{"f", f}, {"dy", dy}});
    EXPECT_LE(max_abs_diff((*out)[0], ref), kTol);
    if (first.empty()) first = values((*out)[0]);
    else EXPECT_NE(values((*out)[0]), first);
  }
}

}  // namespace
}  // namespace amct::runtime
