// The scalar reference Conv2DBackpropInput: small cases checked by hand, and
// the defining identity <conv(x), dy> == <x, conv_backprop_input(dy)> against
// the reference convolution.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "runtime/deconv_kernel.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace {

TEST(RefDeconv, DilatedTapsLandTwoApart) {
  ConvSpec spec;
  spec.dilation_h = spec.dilation_w = 2;
  auto g = deconv_geometry(spec, {1, 3, 3, 1}, {2, 2, 1, 1}, {1, 1, 1, 1});
  ASSERT_TRUE(g.ok()) << g.status().message();
  const std::vector<float> f = {1, 2, 3, 4};
  const float dy = 1.0f;
  std::vector<float> x(9, -1.0f);
  ref::conv2d_backprop_input(spec, *g, f.data(), &dy, x.data());
  EXPECT_EQ(x, (std::vector<float>{1, 0, 2, 0, 0, 0, 3, 0, 4}));
}

// The adjoint of RefConv.ExplicitPaddingReadsZeros: the forward outputs read
// x0*f10 + x1*f11 and x1*f10 (the top filter row only sees padding).
TEST(RefDeconv, ExplicitPaddingIsTheForwardConvolutions) {
  ConvSpec spec;
  spec.padding = PaddingMode::kExplicit;
  spec.explicit_pads[0] = 1;  // top
  spec.explicit_pads[3] = 1;  // right
  auto g = deconv_geometry(spec, {1, 1, 2, 1}, {2, 2, 1, 1}, {1, 1, 2, 1});
  ASSERT_TRUE(g.ok()) << g.status().message();
  const std::vector<float> f = {100.0f, 100.0f, 1.0f, 2.0f};
  const std::vector<float> dy = {5.0f, 7.0f};
  std::vector<float> x(2);
  ref::conv2d_backprop_input(spec, *g, f.data(), dy.data(), x.data());
  EXPECT_EQ(x[0], 5.0f);            // dy0 * f10
  EXPECT_EQ(x[1], 10.0f + 7.0f);    // dy0 * f11 + dy1 * f10
}

std::vector<float> randoms(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

TEST(RefDeconv, IsTheAdjointOfTheReferenceConvolution) {
  std::mt19937 rng(11);
  int checked = 0;
  for (PaddingMode pad : {PaddingMode::kSame, PaddingMode::kValid, PaddingMode::kExplicit})
    for (int64_t stride : {1, 2, 3})
      for (int64_t dil : {1, 2})
        for (int64_t size : {5, 6, 8}) {
          ConvSpec spec;
          spec.padding = pad;
          spec.stride_h = stride;
          spec.stride_w = 3 - stride % 2;  // unequal strides too
          spec.dilation_h = dil;
          spec.dilation_w = 1;
          spec.explicit_pads[0] = 2;
          spec.explicit_pads[1] = 0;
          spec.explicit_pads[2] = 1;
          spec.explicit_pads[3] = 3;
          const graph::Shape xs{2, size, size + 1, 3}, fs{3, 2, 3, 4};
          auto fwd = conv_geometry(spec, xs, fs);
          if (!fwd.ok()) continue;
          auto g = deconv_geometry(spec, xs, fs, {2, fwd->oh, fwd->ow, 4});
          ASSERT_TRUE(g.ok()) << g.status().message();
          const auto x = randoms(static_cast<size_t>(2 * size * (size + 1) * 3), rng);
          const auto f = randoms(3 * 2 * 3 * 4, rng);
          const auto dy = randoms(static_cast<size_t>(2 * fwd->oh * fwd->ow * 4), rng);
          std::vector<float> y(dy.size()), dx(x.size());
          ref::conv2d(spec, *fwd, x.data(), f.data(), nullptr, y.data());
          ref::conv2d_backprop_input(spec, *g, f.data(), dy.data(), dx.data());
          const double lhs = dot(y, dy), rhs = dot(x, dx);
          EXPECT_NEAR(lhs, rhs, 1e-4 * (1.0 + std::fabs(lhs))) << "stride " << stride << " dil " << dil << " size "
                                                               << size << " pad " << static_cast<int>(pad);
          ++checked;
        }
  EXPECT_GT(checked, 40);
}

}  // namespace
}  // namespace amct::runtime
