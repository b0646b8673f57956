// INT8 MatMul against the fake-quant simulation (exact with power-of-two scales).
#include <gtest/gtest.h>

#include "unit/runtime/int8/conv_layer_builder.h"

namespace amct::runtime::testing {
namespace {

Int8Run run_fc(int offset, bool bias, int64_t m, int64_t k, int64_t n) {
  std::vector<Node> g{placeholder("x", {m, k})};
  const std::vector<float> sw = pow2_scales(n, 5, 7);
  const std::string a = add_act_quant(g, "fc", "x", 1.0f / 16, offset);
  const std::string w = add_weight_quant(g, "fc", random_int8({k, n}, 3, -32, 31), floats({n}, sw));
  g.push_back(make_node("fc", "MatMul", {a, w}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  std::string out = "fc";
  if (bias) {
    const std::string b = add_bias_quant(g, "fc", random_int32({n}, 4, -900, 900), 1.0f / 16, sw);
    g.push_back(binop("fc/BiasAdd", "BiasAdd", "fc", b));
    out = "fc/BiasAdd";
  }
  return run_sim_and_int8(g, {out}, {{"x", random_floats({m, k}, 9, -12.0f, 12.0f)}});
}

TEST(MatMulInt8, MatchesSimulationExactly) {
  for (int offset : {0, -128, 11, -90}) {
    for (bool bias : {true, false}) {
      SCOPED_TRACE(::testing::Message() << "offset " << offset << " bias " << bias);
      const Int8Run r = run_fc(offset, bias, 5, 40, 17);
      ASSERT_EQ(r.report.lowered.size(), 1u);
      EXPECT_TRUE(has_step(r.steps, "(AmctQMatMul"));
      expect_identical(r);
    }
  }
}

TEST(MatMulInt8, BatchOfOneAndWideOutput) {
  const Int8Run r = run_fc(-128, true, 1, 64, 130);
  expect_identical(r);
}

}  // namespace
}  // namespace amct::runtime::testing
