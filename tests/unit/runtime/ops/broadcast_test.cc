// Broadcast shapes and their collapsed loop structure.
#include "runtime/ops/broadcast.h"

#include <gtest/gtest.h>

namespace amct::runtime {
namespace {

TEST(Broadcast, ShapesFollowNumpyRules) {
  EXPECT_EQ(broadcast_shape({2, 1, 3}, {4, 1}).value(), (graph::Shape{2, 4, 3}));
  EXPECT_EQ(broadcast_shape({}, {5}).value(), (graph::Shape{5}));
  EXPECT_FALSE(broadcast_shape({2, 3}, {4}).ok());
}

TEST(Broadcast, CollapsesDimsWithTheSamePattern) {
  // NHWC + per-channel vector: rows of C with b's stride 0 across rows.
  auto bc = make_broadcast({8, 7, 7, 32}, {32}, {8, 7, 7, 32});
  ASSERT_TRUE(bc.ok());
  ASSERT_EQ(bc->rank, 2);
  EXPECT_EQ(bc->dims[0], 8 * 7 * 7);
  EXPECT_EQ(bc->dims[1], 32);
  EXPECT_EQ(bc->sa[0], 32);
  EXPECT_EQ(bc->sb[0], 0);
  EXPECT_EQ(bc->sb[1], 1);
  // Same shapes: one flat dim.
  auto flat = make_broadcast({2, 3}, {2, 3}, {2, 3});
  ASSERT_TRUE(flat.ok());
  EXPECT_EQ(flat->rank, 1);
  EXPECT_EQ(flat->dims[0], 6);
  // Scalars: rank 0.
  auto scalar = make_broadcast({}, {1, 1}, {1, 1});
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar->rank, 0);
}

}  // namespace
}  // namespace amct::runtime
