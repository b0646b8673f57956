// Which elementwise ops go into a oneDNN primitive, and a conv whose chain
// repeats an algorithm (the oneDNN 2.6 brgemm post-op bug) still computes TF's result.
#include "runtime/onednn/post_ops.h"

#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(OnednnPostOps, PrefixStopsBeforeARepeatedAlgorithm) {
  using E = EltwiseOp;
  EXPECT_EQ(onednn::fusable_prefix({}), 0u);
  EXPECT_EQ(onednn::fusable_prefix({E::clip(0, 6), E::mul(2), E::round()}), 3u);
  // Relu6, x/s, round, clip to int8, x*s: the second clip and the second linear repeat.
  EXPECT_EQ(onednn::fusable_prefix({E::clip(0, 6), E::mul(20), E::round(), E::clip(-128, 127), E::mul(0.05f)}), 3u);
  EXPECT_EQ(onednn::fusable_prefix({E::mul(2), E::add(1)}), 1u);  // both are eltwise_linear
}

TEST(OnednnPostOps, RepeatedAlgorithmsGiveTheReferenceResult) {
  // A 1x1 identity conv: y = x, then clip(0,6), *2, +1 (linear twice), clip(2,5) (clip twice).
  Graph g = build({placeholder("x", {1, 2, 2, 16}), const_node("w", [] {
                     Tensor t(DataType::kFloat, {1, 1, 16, 16});
                     for (int i = 0; i < 16; ++i) t.data<float>()[i * 16 + i] = 1.0f;
                     return t;
                   }()),
                   make_node("c", "Conv2D", {"x", "w"}, {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("VALID")}}),
                   make_node("r6", "Relu6", {"c"}), const_node("two", floats({}, {2})), make_node("m", "Mul", {"r6", "two"}),
                   const_node("one", floats({}, {1})), make_node("a", "Add", {"m", "one"}),
                   const_node("lo", floats({}, {2})), const_node("hi", floats({}, {5})),
                   make_node("y", "ClipByValue", {"a", "lo", "hi"})});
  const Tensor x = random_floats({1, 2, 2, 16}, 5, -2.0f, 8.0f);
  auto out = run(g, {"y"}, {{"x", x}});
  ASSERT_EQ(out.size(), 1u);
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const float v = std::min(std::max(x.data<float>()[i], 0.0f), 6.0f) * 2.0f + 1.0f;
    EXPECT_EQ(out[0].data<float>()[i], std::min(std::max(v, 2.0f), 5.0f)) << x.data<float>()[i];
  }
}

}  // namespace
}  // namespace amct::runtime
