// INT8 convolutions against the fake-quant simulation on the fp32 runtime:
// with power-of-two scales both are exact, so results must be identical.
#include <gtest/gtest.h>

#include "unit/runtime/int8/conv_layer_builder.h"

namespace amct::runtime::testing {
namespace {

struct Case {
  const char* label;
  ConvLayer layer;
  Shape input;
  float x_range;  // inputs uniform in [-x_range, x_range] (beyond the clip range on purpose)
};

Int8Run run_case(const Case& c) {
  std::vector<Node> g{placeholder("x", c.input)};
  const std::string out = add_conv(g, c.layer, "x");
  return run_sim_and_int8(g, {out}, {{"x", random_floats(c.input, 11, -c.x_range, c.x_range)}});
}

// Depthwise: `oc` is the channel multiplier and `ic` must match the input.
ConvLayer layer(int offset, int stride, const char* padding, bool dw = false, int oc = 8, int ic = 4) {
  ConvLayer l;
  l.ic = ic;
  l.offset = offset;
  l.stride = stride;
  l.padding = padding;
  l.depthwise = dw;
  l.oc = oc;
  return l;
}

TEST(ConvInt8, MatchesSimulationExactly) {
  const Case cases[] = {
      {"s8 input (offset 0), SAME", layer(0, 1, "SAME"), {1, 7, 9, 4}, 9.0f},
      {"s8 input, stride 2", layer(0, 2, "SAME"), {2, 8, 8, 4}, 9.0f},
      {"u8 input (offset -128), SAME", layer(-128, 1, "SAME"), {1, 6, 6, 4}, 17.0f},
      {"u8 zero point with padding", layer(37, 1, "SAME"), {1, 6, 5, 4}, 12.0f},
      {"u8 zero point, stride 2 padding", layer(-77, 2, "SAME"), {2, 9, 7, 4}, 12.0f},
      {"u8 zero point, VALID (folded)", layer(21, 1, "VALID"), {1, 6, 6, 4}, 12.0f},
      {"depthwise u8", layer(-128, 1, "SAME", true, 1, 16), {1, 6, 6, 16}, 17.0f},
      {"depthwise multiplier 2, zero point", layer(19, 2, "SAME", true, 2, 8), {2, 7, 7, 8}, 12.0f},
      {"depthwise s8 VALID", layer(0, 1, "VALID", true, 1, 8), {1, 5, 5, 8}, 9.0f},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    const Int8Run r = run_case(c);
    ASSERT_EQ(r.report.lowered.size(), 1u);
    EXPECT_TRUE(has_step(r.steps, c.layer.depthwise ? "(AmctQDepthwiseConv2dNative" : "(AmctQConv2D")) << r.steps[0];
    expect_identical(r);
  }
}

TEST(ConvInt8, PointwiseZeroPointIsFoldedAndExact) {
  ConvLayer l = layer(13, 1, "SAME");
  l.kh = l.kw = 1;
  l.ic = 24;
  l.oc = 16;
  const Int8Run r = run_case({"1x1", l, {2, 5, 5, 24}, 12.0f});
  expect_identical(r);
}

TEST(ConvInt8, FullRangeWeightsPerTensorScaleNoBias) {
  ConvLayer l = layer(-128, 1, "SAME");
  l.w_lo = -128;
  l.w_hi = 127;
  l.per_tensor = true;
  l.bias = false;
  l.ic = 2;
  const Int8Run r = run_case({"full range", l, {1, 5, 5, 2}, 17.0f});
  ASSERT_EQ(r.report.lowered.size(), 1u);
  expect_identical(r);
}

}  // namespace
}  // namespace amct::runtime::testing
