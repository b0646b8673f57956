// Softmax over the last dim.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(Softmax, RowsSumToOneAndMatchTheDefinition) {
  const Tensor x = random_floats({4, 1001}, 2, -20.0f, 20.0f);
  auto out = run(build({placeholder("x", {-1, 1001}), make_node("y", "Softmax", {"x"})}), {"y"}, {{"x", x}});
  ASSERT_EQ(out.size(), 1u);
  for (int r = 0; r < 4; ++r) {
    const float* xr = x.data<float>() + r * 1001;
    double mx = xr[0], sum = 0;
    for (int j = 0; j < 1001; ++j) mx = std::max<double>(mx, xr[j]);
    for (int j = 0; j < 1001; ++j) sum += std::exp(xr[j] - mx);
    for (int j = 0; j < 1001; ++j)
      ASSERT_NEAR(out[0].data<float>()[r * 1001 + j], std::exp(xr[j] - mx) / sum, 1e-6);
  }
}

TEST(Softmax, LargeLogitsDoNotOverflow) {
  auto out = run(build({placeholder("x", {1, 3}), make_node("y", "Softmax", {"x"})}), {"y"},
                 {{"x", floats({1, 3}, {1000.0f, 1000.0f, -1000.0f})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(values(out[0]), (std::vector<float>{0.5f, 0.5f, 0.0f}));
}

}  // namespace
}  // namespace amct::runtime
