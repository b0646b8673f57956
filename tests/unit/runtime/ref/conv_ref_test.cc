// The scalar reference convolution on cases small enough to check by hand.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace {

TEST(RefConv, DilatedValidWindowSkipsRowsAndColumns) {
  ConvSpec spec;
  spec.dilation_h = spec.dilation_w = 2;
  auto g = conv_geometry(spec, {1, 5, 5, 1}, {3, 3, 1, 1});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->oh, 1);
  ASSERT_EQ(g->ow, 1);
  std::vector<float> x(25);
  std::iota(x.begin(), x.end(), 0.0f);
  const std::vector<float> f(9, 1.0f);
  float y = 0;
  ref::conv2d(spec, *g, x.data(), f.data(), nullptr, &y);
  // Rows and columns 0, 2, 4.
  EXPECT_EQ(y, 0 + 2 + 4 + 10 + 12 + 14 + 20 + 22 + 24);
}

TEST(RefConv, PostOpsRunBiasThenSumThenActivation) {
  ConvSpec spec;
  spec.bias = graph::Tensor::from_vector<float>({2}, {1.0f, -10.0f});
  spec.sum = true;
  spec.eltwise = {EltwiseOp::clip(0.0f, 6.0f)};
  auto g = conv_geometry(spec, {1, 1, 1, 1}, {1, 1, 1, 2});
  ASSERT_TRUE(g.ok());
  const float x = 2.0f;
  const std::vector<float> f = {3.0f, 1.0f};
  const std::vector<float> residual = {4.0f, 5.0f};
  std::vector<float> y(2);
  ref::conv2d(spec, *g, &x, f.data(), residual.data(), y.data());
  EXPECT_EQ(y[0], 6.0f);  // 6 + 1 + 4 = 11 -> clipped to 6
  EXPECT_EQ(y[1], 0.0f);  // 2 - 10 + 5 = -3 -> 0
}

TEST(RefConv, ExplicitPaddingReadsZeros) {
  ConvSpec spec;
  spec.padding = PaddingMode::kExplicit;
  spec.explicit_pads[0] = 1;  // top
  spec.explicit_pads[3] = 1;  // right
  auto g = conv_geometry(spec, {1, 1, 2, 1}, {2, 2, 1, 1});
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->oh, 1);
  ASSERT_EQ(g->ow, 2);
  const std::vector<float> x = {5.0f, 7.0f};
  const std::vector<float> f = {100.0f, 100.0f, 1.0f, 2.0f};  // the top row only sees padding
  std::vector<float> y(2);
  ref::conv2d(spec, *g, x.data(), f.data(), nullptr, y.data());
  EXPECT_EQ(y[0], 5.0f + 14.0f);
  EXPECT_EQ(y[1], 7.0f);
}

}  // namespace
}  // namespace amct::runtime
