// FakeQuantWithMinMaxVars / PerChannel / Args with TensorFlow's nudging.
#include <gtest/gtest.h>

#include <cmath>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Tensor fake_quant(const Tensor& x, const Tensor& min, const Tensor& max, int bits = 8, bool narrow = false,
                  const std::string& op = "FakeQuantWithMinMaxVars") {
  Graph g = build({placeholder("x", x.shape()), const_node("min", min), const_node("max", max),
                   make_node("y", op, {"x", "min", "max"},
                             {{"num_bits", AttrValue::of_int(bits)}, {"narrow_range", AttrValue::of_bool(narrow)}})});
  auto out = run(g, {"y"}, {{"x", x}});
  return out.empty() ? Tensor() : out[0];
}

TEST(FakeQuant, ExactGridForTheMobileNetInputRange) {
  // [-1, 127/128]: scale 1/128, zero point 128, no nudging needed.
  const Tensor y = fake_quant(floats({6}, {0.3f, -2.0f, 5.0f, 0.00390625f, -0.00390625f, 0.0f}), floats({}, {-1.0f}),
                              floats({}, {0.9921875f}));
  // 0.3 -> floor(1.3*128 + 0.5) = 166 -> 166/128 - 1; half a step rounds up.
  EXPECT_EQ(values(y), (std::vector<float>{0.296875f, -1.0f, 0.9921875f, 0.0078125f, 0.0f, 0.0f}));
}

TEST(FakeQuant, RangeIsNudgedSoZeroIsExact) {
  // [-0.1, 1.0] / 255: zero point 23.18 rounds to 23, the range shifts to [-23, 232] * scale.
  const float scale = 1.1f / 255.0f;
  const Tensor x = random_floats({4000}, 9, -0.5f, 1.5f);
  const Tensor y = fake_quant(x, floats({}, {-0.1f}), floats({}, {1.0f}));
  const float nmin = -23.0f * scale, nmax = 232.0f * scale;
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const float v = y.data<float>()[i];
    ASSERT_GE(v, nmin - 1e-6f);
    ASSERT_LE(v, nmax + 1e-6f);
    const float steps = (v - nmin) / scale;
    ASSERT_NEAR(steps, std::round(steps), 1e-3f);  // on the grid
    const float xc = std::min(std::max(x.data<float>()[i], nmin), nmax);
    ASSERT_LE(std::fabs(v - xc), scale * 0.5f + 1e-6f);  // nearest grid point
  }
  const Tensor z = fake_quant(floats({3}, {0.0f, -0.2f, 2.0f}), floats({}, {-0.1f}), floats({}, {1.0f}));
  EXPECT_EQ(z.data<float>()[0], 0.0f);
  EXPECT_FLOAT_EQ(z.data<float>()[1], nmin);
  EXPECT_FLOAT_EQ(z.data<float>()[2], nmax);
}

TEST(FakeQuant, NarrowRangeAndBitWidth) {
  // narrow_range: levels 1..255 over [-1, 1], scale 2/254.
  const Tensor y = fake_quant(floats({3}, {1.0f, -1.0f, 0.5f}), floats({}, {-1.0f}), floats({}, {1.0f}), 8, true);
  EXPECT_FLOAT_EQ(y.data<float>()[0], 1.0f);
  EXPECT_FLOAT_EQ(y.data<float>()[1], -1.0f);
  EXPECT_FLOAT_EQ(y.data<float>()[2], 64.0f * 2.0f / 254.0f);  // 0.5 = 63.5 steps -> 64
  // 4 bits over [0, 15]: integers.
  const Tensor z = fake_quant(floats({3}, {2.4f, 2.6f, 20.0f}), floats({}, {0.0f}), floats({}, {15.0f}), 4);
  EXPECT_EQ(values(z), (std::vector<float>{2.0f, 3.0f, 15.0f}));
}

TEST(FakeQuant, ZeroRangeGivesZeros) {
  const Tensor y = fake_quant(floats({2}, {1.0f, -3.0f}), floats({}, {0.0f}), floats({}, {0.0f}));
  EXPECT_EQ(values(y), (std::vector<float>{0.0f, 0.0f}));
}

TEST(FakeQuant, PerChannelEqualsPerTensorOnEachChannel) {
  const Tensor x = random_floats({5, 3}, 4, -3.0f, 3.0f);
  const std::vector<float> mins = {-1.0f, -0.3f, 0.0f}, maxs = {1.0f, 2.0f, 0.0f};
  const Tensor y = fake_quant(x, floats({3}, mins), floats({3}, maxs), 8, false, "FakeQuantWithMinMaxVarsPerChannel");
  ASSERT_EQ(y.shape(), x.shape());
  for (int c = 0; c < 3; ++c) {
    Tensor col(DataType::kFloat, {5});
    for (int r = 0; r < 5; ++r) col.data<float>()[r] = x.data<float>()[r * 3 + c];
    const Tensor yc = fake_quant(col, floats({}, {mins[static_cast<size_t>(c)]}), floats({}, {maxs[static_cast<size_t>(c)]}));
    for (int r = 0; r < 5; ++r) EXPECT_EQ(y.data<float>()[r * 3 + c], yc.data<float>()[r]) << r << "," << c;
  }
}

TEST(FakeQuant, ArgsVariantAndErrors) {
  Graph g = build({placeholder("x", {2}), make_node("y", "FakeQuantWithMinMaxArgs", {"x"},
                                                    {{"min", AttrValue::of_float(-1.0f)},
                                                     {"max", AttrValue::of_float(0.9921875f)}})});
  auto out = run(g, {"y"}, {{"x", floats({2}, {0.3f, 3.0f})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(values(out[0]), (std::vector<float>{0.296875f, 0.9921875f}));

  Graph bits = build({placeholder("x", {2}), const_node("min", floats({}, {0})), const_node("max", floats({}, {1})),
                      make_node("y", "FakeQuantWithMinMaxVars", {"x", "min", "max"}, {{"num_bits", AttrValue::of_int(17)}})});
  EXPECT_NE(failure(bits, {"y"}, {}).find("node 'y' (FakeQuantWithMinMaxVars): num_bits 17"), std::string::npos);
  Graph chans = build({placeholder("x", {2, 3}), const_node("min", floats({2}, {0, 0})), const_node("max", floats({2}, {1, 1})),
                       make_node("y", "FakeQuantWithMinMaxVarsPerChannel", {"x", "min", "max"})});
  EXPECT_NE(failure(chans, {"y"}, {{"x", random_floats({2, 3}, 1)}}).find("with 3 value(s)"), std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
