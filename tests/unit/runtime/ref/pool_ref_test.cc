// The scalar reference pooling on hand-checked cases.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace {

TEST(RefPool, AvgValidStride2) {
  PoolSpec spec;
  spec.kind = PoolKind::kAvg;
  spec.k_h = spec.k_w = 2;
  spec.stride_h = spec.stride_w = 2;
  auto g = pool_geometry(spec, {1, 2, 4, 1});
  ASSERT_TRUE(g.ok());
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<float> y(2);
  ref::pool2d(spec, *g, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{3.5f, 5.5f}));
}

TEST(RefPool, MaxSameOddSizePerChannel) {
  PoolSpec spec;
  spec.kind = PoolKind::kMax;
  spec.k_h = spec.k_w = 2;
  spec.stride_h = spec.stride_w = 2;
  spec.padding = PaddingMode::kSame;
  auto g = pool_geometry(spec, {1, 3, 1, 2});  // out 2x1, pad bottom 1
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->oh, 2);
  ASSERT_EQ(g->pad_b, 1);
  const std::vector<float> x = {1, -1, 2, -2, -3, -3};
  std::vector<float> y(4);
  ref::pool2d(spec, *g, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{2, -1, -3, -3}));
}

}  // namespace
}  // namespace amct::runtime
