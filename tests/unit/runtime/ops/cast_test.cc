// Cast between numeric dtypes, including the int8 weights -> float pattern.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Tensor cast(const Tensor& x, DataType to) {
  Graph g = build({placeholder("x", x.shape(), x.dtype()), make_node("y", "Cast", {"x"},
                                                                     {{"SrcT", AttrValue::of_type(x.dtype())},
                                                                      {"DstT", AttrValue::of_type(to)}})});
  auto out = run(g, {"y"}, {{"x", x}});
  return out.empty() ? Tensor() : out[0];
}

TEST(Cast, Int8ToFloatIsExact) {
  const Tensor y = cast(Tensor::from_vector<int8_t>({4}, {-128, -1, 0, 127}), DataType::kFloat);
  ASSERT_EQ(y.dtype(), DataType::kFloat);
  EXPECT_EQ(values(y), (std::vector<float>{-128, -1, 0, 127}));
}

TEST(Cast, FloatToIntTruncatesAndSaturates) {
  const Tensor y = cast(floats({6}, {1.9f, -1.9f, 3e9f, -3e9f, NAN, 0.5f}), DataType::kInt32);
  ASSERT_EQ(y.dtype(), DataType::kInt32);
  const int32_t* v = y.data<int32_t>();
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[1], -1);
  EXPECT_EQ(v[2], INT32_MAX);
  EXPECT_EQ(v[3], INT32_MIN);
  EXPECT_EQ(v[4], 0);
  EXPECT_EQ(v[5], 0);
  const Tensor u = cast(floats({2}, {300.0f, -5.0f}), DataType::kUInt8);
  EXPECT_EQ(u.data<uint8_t>()[0], 255);
  EXPECT_EQ(u.data<uint8_t>()[1], 0);
}

TEST(Cast, BoolAndInt64) {
  const Tensor b = cast(floats({3}, {0.0f, -0.5f, 2.0f}), DataType::kBool);
  EXPECT_EQ(b.data<uint8_t>()[0], 0);
  EXPECT_EQ(b.data<uint8_t>()[1], 1);
  EXPECT_EQ(b.data<uint8_t>()[2], 1);
  const Tensor l = cast(ints32({2}, {-7, 1 << 30}), DataType::kInt64);
  EXPECT_EQ(l.data<int64_t>()[0], -7);
  EXPECT_EQ(l.data<int64_t>()[1], int64_t{1} << 30);
}

TEST(Cast, UnsupportedTargetIsAnError) {
  Graph g = build({placeholder("x", {1}), make_node("y", "Cast", {"x"}, {{"DstT", AttrValue::of_type(DataType::kString)}})});
  EXPECT_NE(failure(g, {"y"}, {}).find("node 'y' (Cast): cannot cast to"), std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
