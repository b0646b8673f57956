// FusedBatchNorm in inference mode.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Node bn(const std::string& op, bool training = false) {
  return make_node("bn", op, {"x", "scale", "offset", "mean", "var"},
                   {{"epsilon", AttrValue::of_float(0.001f)}, {"is_training", AttrValue::of_bool(training)},
                    {"data_format", AttrValue::of_string("NHWC")}});
}

std::vector<Node> inputs() {
  return {placeholder("x", {-1, 2, 1, 2}), const_node("scale", floats({2}, {2.0f, 0.5f})),
          const_node("offset", floats({2}, {1.0f, -1.0f})), const_node("mean", floats({2}, {0.5f, -2.0f})),
          const_node("var", floats({2}, {4.0f, 0.25f}))};
}

TEST(FusedBatchNorm, InferenceFormulaPerChannel) {
  for (const char* op : {"FusedBatchNorm", "FusedBatchNormV3"}) {
    auto nodes = inputs();
    nodes.push_back(bn(op));
    const Tensor x = random_floats({3, 2, 1, 2}, 8, -4.0f, 4.0f);
    auto out = run(build(nodes), {"bn"}, {{"x", x}});
    ASSERT_EQ(out.size(), 1u);
    const float scale[2] = {2.0f, 0.5f}, offset[2] = {1.0f, -1.0f}, mean[2] = {0.5f, -2.0f}, var[2] = {4.0f, 0.25f};
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      const int c = static_cast<int>(i % 2);
      const float want = (x.data<float>()[i] - mean[c]) * (scale[c] / std::sqrt(var[c] + 0.001f)) + offset[c];
      EXPECT_NEAR(out[0].data<float>()[i], want, 1e-6f) << op;
    }
  }
}

TEST(FusedBatchNorm, TrainingModeAndBadParamsAreErrors) {
  auto nodes = inputs();
  nodes.push_back(bn("FusedBatchNorm", true));
  EXPECT_NE(failure(build(nodes), {"bn"}, {}).find("node 'bn' (FusedBatchNorm): is_training"), std::string::npos);
  auto bad = inputs();
  bad[4] = const_node("var", floats({3}, {1, 1, 1}));
  bad.push_back(bn("FusedBatchNorm"));
  EXPECT_NE(failure(build(bad), {"bn"}, {{"x", random_floats({1, 2, 1, 2}, 1)}}).find("expected float32 [2]"),
            std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
