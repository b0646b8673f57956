// INT8 AvgPool: exact integer sums, scaled once; equal to the simulation up to
// the float rounding of its own sum and division.
#include <gtest/gtest.h>

#include "unit/runtime/int8/conv_layer_builder.h"

namespace amct::runtime::testing {
namespace {

Int8Run run_pool(int offset, Shape in, int k, int stride, const char* padding) {
  std::vector<Node> g{placeholder("x", in)};
  const std::string a = add_act_quant(g, "pool", "x", 1.0f / 16, offset);
  g.push_back(make_node("pool", "AvgPool", {a},
                        {{"T", AttrValue::of_type(DataType::kFloat)},
                         {"ksize", AttrValue::of_ints({1, k, k, 1})},
                         {"strides", AttrValue::of_ints({1, stride, stride, 1})},
                         {"padding", AttrValue::of_string(padding)}}));
  return run_sim_and_int8(g, {"pool"}, {{"x", random_floats(in, 4, -9.0f, 9.0f)}});
}

TEST(QAvgPool, MatchesSimulation) {
  struct Case {
    int offset;
    Shape in;
    int k, stride;
    const char* padding;
  } cases[] = {{-128, {1, 7, 7, 40}, 7, 1, "VALID"},  // global, as MobileNetV2's
               {0, {2, 6, 6, 8}, 2, 2, "VALID"},
               {25, {1, 5, 6, 8}, 3, 2, "SAME"},  // partial windows: count excludes padding
               {-60, {2, 4, 4, 3}, 3, 1, "SAME"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.offset);
    const Int8Run r = run_pool(c.offset, c.in, c.k, c.stride, c.padding);
    ASSERT_EQ(r.report.lowered.size(), 1u);
    EXPECT_TRUE(has_step(r.steps, "(AmctQAvgPool"));
    ASSERT_EQ(r.int8.size(), 1u);
    const Tensor& a = r.simulated[0];
    const Tensor& b = r.int8[0];
    ASSERT_EQ(a.shape(), b.shape());
    for (int64_t i = 0; i < a.num_elements(); ++i)
      ASSERT_NEAR(a.data<float>()[i], b.data<float>()[i], 1e-6f * (1.0f + std::fabs(a.data<float>()[i]))) << i;
  }
}

}  // namespace
}  // namespace amct::runtime::testing
