// Mean / Sum over constant axes, contiguous and not.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Tensor reduce(const std::string& op, const Tensor& x, const std::vector<int32_t>& axes, bool keep) {
  Graph g = build({placeholder("x", x.shape()), const_node("axes", ints32({static_cast<int64_t>(axes.size())}, axes)),
                   make_node("y", op, {"x", "axes"}, {{"keep_dims", AttrValue::of_bool(keep)}})});
  auto out = run(g, {"y"}, {{"x", x}});
  return out.empty() ? Tensor() : out[0];
}

// x[i,j,k] = 100i + 10j + k on [2,3,4].
Tensor iota() {
  Tensor t(DataType::kFloat, {2, 3, 4});
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) t.data<float>()[(i * 3 + j) * 4 + k] = static_cast<float>(100 * i + 10 * j + k);
  return t;
}

TEST(Reduce, MeanOverSpatialAxesKeepsDims) {
  const Tensor y = reduce("Mean", iota(), {1}, true);
  ASSERT_EQ(y.shape(), (Shape{2, 1, 4}));
  EXPECT_EQ(values(y), (std::vector<float>{10, 11, 12, 13, 110, 111, 112, 113}));
}

TEST(Reduce, NonContiguousAxesAndNegativeIndices) {
  const Tensor y = reduce("Sum", iota(), {0, -1}, false);  // axes 0 and 2
  ASSERT_EQ(y.shape(), (Shape{3}));
  // sum over i,k of 100i + 10j + k = 400 + 80j + 12
  EXPECT_EQ(values(y), (std::vector<float>{412, 492, 572}));
  const Tensor all = reduce("Mean", iota(), {0, 1, 2}, false);
  ASSERT_EQ(all.shape(), Shape{});
  EXPECT_FLOAT_EQ(all.data<float>()[0], 50 + 10 + 1.5f);
}

TEST(Reduce, NhwcGlobalPoolAtBatchThree) {
  const Tensor x = random_floats({3, 7, 7, 5}, 6);
  const Tensor y = reduce("Mean", x, {1, 2}, true);
  ASSERT_EQ(y.shape(), (Shape{3, 1, 1, 5}));
  for (int n = 0; n < 3; ++n)
    for (int c = 0; c < 5; ++c) {
      double s = 0;
      for (int p = 0; p < 49; ++p) s += x.data<float>()[(n * 49 + p) * 5 + c];
      EXPECT_NEAR(y.data<float>()[n * 5 + c], s / 49, 1e-6);
    }
}

TEST(Reduce, AxisOutOfRangeIsAnError) {
  Graph g = build({placeholder("x", {2, 3}), const_node("axes", ints32({1}, {2})), make_node("y", "Mean", {"x", "axes"})});
  EXPECT_NE(failure(g, {"y"}, {{"x", random_floats({2, 3}, 1)}}).find("node 'y' (Mean): reduction axis 2 out of range"),
            std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
