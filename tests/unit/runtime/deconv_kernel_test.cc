// Conv2DBackpropInput: shape checks, hand-computed TF results on both
// implementations, input_sizes computed from shapes, and errors naming the node.
#include "runtime/deconv_kernel.h"

#include <gtest/gtest.h>

#include "runtime/kernel_registry.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Node deconv_node(int64_t stride, const std::string& padding, const std::string& sizes = "sizes",
                 const std::string& f = "f", const std::string& dy = "dy") {
  return make_node("up", "Conv2DBackpropInput", {sizes, f, dy},
                   {{"strides", AttrValue::of_ints({1, stride, stride, 1})},
                    {"padding", AttrValue::of_string(padding)},
                    {"data_format", AttrValue::of_string("NHWC")},
                    {"T", AttrValue::of_type(DataType::kFloat)}});
}

ConvSpec spec_of(int64_t stride, PaddingMode padding) {
  ConvSpec s;
  s.stride_h = s.stride_w = stride;
  s.padding = padding;
  return s;
}

TEST(DeconvKernel, IsRegistered) {
  const OpEntry* e = find_op("Conv2DBackpropInput");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->min_inputs, 3);
  EXPECT_EQ(e->max_inputs, 3);
}

// TF SAME splits the forward padding pad_before = total / 2: a 5-wide input
// (stride 2, 3 taps, 3 windows) pads 1 and 1; a 6-wide one pads 0 and 1, its
// last column reached by the end padding only.
TEST(DeconvKernel, GeometryIsTheForwardConvolutions) {
  auto g5 = deconv_geometry(spec_of(2, PaddingMode::kSame), {2, 5, 5, 4}, {3, 3, 4, 7}, {2, 3, 3, 7});
  ASSERT_TRUE(g5.ok()) << g5.status().message();
  EXPECT_EQ(g5->ic, 4);
  EXPECT_EQ(g5->oc, 7);
  EXPECT_EQ(g5->pad_t, 1);
  EXPECT_EQ(g5->pad_b, 1);
  auto g6 = deconv_geometry(spec_of(2, PaddingMode::kSame), {2, 6, 6, 4}, {3, 3, 4, 7}, {2, 3, 3, 7});
  ASSERT_TRUE(g6.ok()) << g6.status().message();
  EXPECT_EQ(g6->pad_t, 0);
  EXPECT_EQ(g6->pad_b, 1);
  // 7 rows: ceil(7/2) = 4 windows, not 3.
  EXPECT_FALSE(deconv_geometry(spec_of(2, PaddingMode::kSame), {2, 7, 6, 4}, {3, 3, 4, 7}, {2, 3, 3, 7}).ok());
}

TEST(DeconvKernel, GeometryErrorsSayWhatDisagrees) {
  const ConvSpec s = spec_of(2, PaddingMode::kSame);
  auto msg = [&](const Shape& out, const Shape& f, const Shape& dy) {
    auto g = deconv_geometry(s, out, f, dy);
    EXPECT_FALSE(g.ok());
    return g.ok() ? std::string() : g.status().message();
  };
  EXPECT_NE(msg({1, 6, 6, 4}, {3, 3, 4}, {1, 3, 3, 7}).find("filter has shape [3,3,4], expected 4 dims"),
            std::string::npos);
  EXPECT_NE(msg({1, 6, 6, 5}, {3, 3, 4, 7}, {1, 3, 3, 7}).find("makes 4 output channels"), std::string::npos);
  EXPECT_NE(msg({1, 6, 6, 4}, {3, 3, 4, 7}, {1, 3, 3, 6}).find("reads 7 input channels"), std::string::npos);
  EXPECT_NE(msg({2, 6, 6, 4}, {3, 3, 4, 7}, {1, 3, 3, 7}).find("different batch sizes"), std::string::npos);
  EXPECT_NE(msg({1, 6, 6}, {3, 3, 4, 7}, {1, 3, 3, 7}).find("expected 4 (NHWC)"), std::string::npos);
  const std::string m = msg({1, 6, 8, 4}, {3, 3, 4, 7}, {1, 3, 3, 7});
  EXPECT_NE(m.find("does not match input_sizes [1,6,8,4]"), std::string::npos) << m;
  EXPECT_NE(m.find("gives 3x4"), std::string::npos) << m;
  // VALID: a window larger than the output is refused with the output named.
  auto v = deconv_geometry(spec_of(1, PaddingMode::kValid), {1, 2, 2, 1}, {3, 3, 1, 1}, {1, 1, 1, 1});
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("input_sizes [1,2,2,1]"), std::string::npos) << v.status().message();
}

TEST(DeconvKernel, InputSizesTakeFourOrTwoEntries) {
  const Tensor four = ints32({4}, {3, 6, 5, 2});
  auto a = read_input_sizes(value_of(four, true), {3, 3, 2, 7}, {3, 3, 3, 7});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (Shape{3, 6, 5, 2}));
  const Tensor two = Tensor::from_vector<int64_t>({2}, {6, 5});
  auto b = read_input_sizes(value_of(two, true), {3, 3, 2, 7}, {3, 3, 3, 7});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, (Shape{3, 6, 5, 2}));
  const Tensor three = ints32({3}, {6, 5, 2});
  EXPECT_FALSE(read_input_sizes(value_of(three, true), {3, 3, 2, 7}, {3, 3, 3, 7}).ok());
  const Tensor negative = ints32({4}, {1, -6, 5, 2});
  EXPECT_FALSE(read_input_sizes(value_of(negative, true), {3, 3, 2, 7}, {1, 3, 3, 7}).ok());
  const Tensor floating = floats({4}, {1, 6, 5, 2});
  EXPECT_FALSE(read_input_sizes(value_of(floating, true), {3, 3, 2, 7}, {1, 3, 3, 7}).ok());
}

// One out_backprop pixel, 2x2 filter, stride 2: the output is the filter scaled.
TEST(DeconvKernel, SinglePixelStride2PaintsTheFilter) {
  Graph g = build({const_node("sizes", ints32({4}, {1, 2, 2, 1})),
                   const_node("f", floats({2, 2, 1, 1}, {1, 2, 3, 4})), placeholder("dy", {1, 1, 1, 1}),
                   deconv_node(2, "VALID")});
  auto [fast, ref] = run_both(g, "up", {{"dy", floats({1, 1, 1, 1}, {2})}});
  const std::vector<float> want = {2, 4, 6, 8};
  EXPECT_EQ(fast.shape(), (Shape{1, 2, 2, 1}));
  EXPECT_EQ(values(fast), want);
  EXPECT_EQ(values(ref), want);
}

// All-ones 3x3 filter and out_backprop, stride 2, SAME: each output pixel counts
// the (window, tap) pairs reaching it. With 5 rows (pad_before 1) the taps land
// on rows 2*oh - 1 + kh, giving row counts 1 2 1 2 1; with 6 rows (pad_before 0)
// on 2*oh + kh, giving 1 1 2 1 2 1.
TEST(DeconvKernel, Same3x3Stride2CountsTapsLikeTensorFlow) {
  for (int64_t size : {5, 6}) {
    SCOPED_TRACE(size);
    Graph g = build({const_node("sizes", ints32({4}, {1, static_cast<int32_t>(size), static_cast<int32_t>(size), 1})),
                     const_node("f", floats({3, 3, 1, 1}, std::vector<float>(9, 1.0f))),
                     placeholder("dy", {1, 3, 3, 1}), deconv_node(2, "SAME")});
    auto [fast, ref] = run_both(g, "up", {{"dy", floats({1, 3, 3, 1}, std::vector<float>(9, 1.0f))}});
    const std::vector<float> row = size == 5 ? std::vector<float>{1, 2, 1, 2, 1} : std::vector<float>{1, 1, 2, 1, 2, 1};
    std::vector<float> want;
    for (float r : row)
      for (float c : row) want.push_back(r * c);
    EXPECT_EQ(fast.shape(), (Shape{1, size, size, 1}));
    EXPECT_EQ(values(fast), want);
    EXPECT_EQ(values(ref), want);
  }
}

// The definition written as a scatter-add, on integer data (exact in float):
// every out_backprop pixel adds dy * filter tap to the pixel its forward window
// tap read. 2 output and 3 input channels check the [KH,KW,C,M] indexing.
TEST(DeconvKernel, MatchesTheScatterAddDefinition) {
  // SAME, forward input 6x4: ceil(6/2) = 3 x ceil(4/2) = 2 windows, pad_before
  // (2*2+3-6)/2 = 0 and (1*2+3-4)/2 = 0.
  constexpr int64_t kN = 2, kOH = 3, kOW = 2, kM = 3, kH = 6, kWidth = 4, kC = 2, kK = 3, kS = 2;
  std::vector<float> f(static_cast<size_t>(kK * kK * kC * kM)), dy(static_cast<size_t>(kN * kOH * kOW * kM));
  for (size_t i = 0; i < f.size(); ++i) f[i] = static_cast<float>(static_cast<int>(i % 7) - 3);
  for (size_t i = 0; i < dy.size(); ++i) dy[i] = static_cast<float>(static_cast<int>(i % 5) - 2);
  std::vector<float> want(static_cast<size_t>(kN * kH * kWidth * kC), 0.0f);
  const int64_t pad_t = 0, pad_l = 0;
  for (int64_t n = 0; n < kN; ++n)
    for (int64_t oh = 0; oh < kOH; ++oh)
      for (int64_t ow = 0; ow < kOW; ++ow)
        for (int64_t kh = 0; kh < kK; ++kh)
          for (int64_t kw = 0; kw < kK; ++kw) {
            const int64_t ih = oh * kS - pad_t + kh, iw = ow * kS - pad_l + kw;
            if (ih < 0 || ih >= kH || iw < 0 || iw >= kWidth) continue;
            for (int64_t c = 0; c < kC; ++c)
              for (int64_t m = 0; m < kM; ++m)
                want[static_cast<size_t>(((n * kH + ih) * kWidth + iw) * kC + c)] +=
                    dy[static_cast<size_t>(((n * kOH + oh) * kOW + ow) * kM + m)] *
                    f[static_cast<size_t>(((kh * kK + kw) * kC + c) * kM + m)];
          }
  Graph g = build({const_node("sizes", ints32({4}, {kN, kH, kWidth, kC})), const_node("f", floats({kK, kK, kC, kM}, f)),
                   placeholder("dy", {-1, kOH, kOW, kM}), deconv_node(kS, "SAME")});
  auto [fast, ref] = run_both(g, "up", {{"dy", floats({kN, kOH, kOW, kM}, dy)}});
  EXPECT_EQ(fast.shape(), (Shape{kN, kH, kWidth, kC}));
  EXPECT_EQ(values(fast), want);
  EXPECT_EQ(values(ref), want);
}

// Keras' Conv2DTranspose builds input_sizes from the runtime batch:
// Pack(StridedSlice(Shape(dy))[0], 5, 5, 1).
TEST(DeconvKernel, InputSizesFromTheBatchOfTheInput) {
  Graph g = build({placeholder("dy", {-1, 3, 3, 2}), make_node("shape", "Shape", {"dy"}),
                   const_node("b", ints32({1}, {0})), const_node("e", ints32({1}, {1})), const_node("s", ints32({1}, {1})),
                   make_node("batch", "StridedSlice", {"shape", "b", "e", "s"}, {{"shrink_axis_mask", AttrValue::of_int(1)}}),
                   const_node("h", ints32({}, {5})), const_node("c", ints32({}, {1})),
                   make_node("sizes", "Pack", {"batch", "h", "h", "c"}),
                   const_node("f", random_floats({3, 3, 1, 2}, 7)), deconv_node(2, "SAME")});
  auto session = Session::create(g, {"up"});
  ASSERT_TRUE(session.ok()) << session.status().message();
  for (int64_t n : {1, 3}) {
    const Tensor dy = random_floats({n, 3, 3, 2}, static_cast<uint32_t>(n));
    auto out = (*session)->run({{"dy", dy}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].shape(), (Shape{n, 5, 5, 1}));
    auto [unused, ref] = run_both(g, "up", {{"dy", dy}});
    EXPECT_LE(max_abs_diff((*out)[0], ref), 1e-5f);
  }
}

TEST(DeconvKernel, ErrorsNameTheNode) {
  auto graph_with = [](Node up, Shape filter, std::vector<int32_t> sizes) {
    return build({const_node("sizes", ints32({static_cast<int64_t>(sizes.size())}, sizes)),
                  const_node("f", random_floats(filter, 1)), placeholder("dy", {-1, -1, -1, -1}), up});
  };
  const Tensor dy = random_floats({1, 3, 3, 4}, 2);
  const std::string where = "node 'up' (Conv2DBackpropInput)";

  Node nchw = deconv_node(2, "SAME");
  nchw.attrs["data_format"] = AttrValue::of_string("NCHW");
  std::string msg = failure(graph_with(nchw, {3, 3, 2, 4}, {1, 6, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where + ": data_format 'NCHW' is not supported"), std::string::npos) << msg;

  msg = failure(graph_with(deconv_node(2, "SAME"), {3, 3, 2, 4}, {1, 6, 6, 3}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("makes 2 output channels"), std::string::npos) << msg;

  msg = failure(graph_with(deconv_node(2, "SAME"), {3, 3, 2, 5}, {1, 6, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("reads 5 input channels"), std::string::npos) << msg;

  msg = failure(graph_with(deconv_node(2, "SAME"), {3, 3, 2}, {1, 6, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 4 dims"), std::string::npos) << msg;

  msg = failure(graph_with(deconv_node(2, "SAME"), {3, 3, 2, 4}, {1, 9, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not match input_sizes [1,9,6,2]"), std::string::npos) << msg;

  msg = failure(graph_with(deconv_node(2, "SAME"), {3, 3, 2, 4}, {1, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("4 (NHWC) or 2 (H, W) entries"), std::string::npos) << msg;

  // input_sizes fed at run time: its value is not known when shapes are inferred.
  Graph fed = build({placeholder("sizes", {4}, DataType::kInt32), const_node("f", random_floats({3, 3, 2, 4}, 1)),
                     placeholder("dy", {-1, -1, -1, -1}), deconv_node(2, "SAME")});
  msg = failure(fed, {"up"}, {{"sizes", ints32({4}, {1, 6, 6, 2})}, {"dy", dy}});
  EXPECT_NE(msg.find(where), std::string::npos) << msg;
  EXPECT_NE(msg.find("must be constant or computable from input shapes"), std::string::npos) << msg;

  Node no_strides = deconv_node(2, "SAME");
  no_strides.attrs.erase("strides");
  msg = failure(graph_with(no_strides, {3, 3, 2, 4}, {1, 6, 6, 2}), {"up"}, {{"dy", dy}});
  EXPECT_NE(msg.find(where + ": missing attribute 'strides'"), std::string::npos) << msg;
}

}  // namespace
}  // namespace amct::runtime
