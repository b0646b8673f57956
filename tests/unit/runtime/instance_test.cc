// Per-shape instances: views alias, dying inputs are overwritten in place,
// intermediates share one arena, and live values are never clobbered.
#include "runtime/instance.h"

#include <gtest/gtest.h>

#include "runtime/fusion.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Expected<std::unique_ptr<Instance>> instance_for(const Plan& plan, const Shape& x) {
  return Instance::build(plan, {DataType::kFloat}, {x});
}

TEST(Instance, ViewsAliasAndDyingInputsAreReusedInPlace) {
  Graph g = build({placeholder("x", {-1, 8}), make_node("a", "Relu", {"x"}), make_node("b", "Sigmoid", {"a"}),
                   const_node("shape", ints32({2}, {8, -1})), make_node("r", "Reshape", {"b", "shape"}),
                   make_node("c", "Square", {"r"}), const_node("back", ints32({2}, {4, 8})),
                   make_node("c2", "Reshape", {"c", "back"}), make_node("d", "Add", {"c2", "a"})});
  auto plan = build_plan(g, {"d"}, {});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  auto inst = instance_for(*plan, {4, 8});
  ASSERT_TRUE(inst.ok()) << inst.status().message();
  // a stays alive until d, so b cannot overwrite it; r views b ([8,4]); c overwrites b.
  EXPECT_EQ((*inst)->describe(),
            (std::vector<std::string>{"node 'a' (Relu)", "node 'b' (Sigmoid)", "node 'r' (Reshape) [view]",
                                      "node 'c' (Square) [in-place]", "node 'c2' (Reshape) [view]",
                                      "node 'd' (Add)"}));
  // Two live buffers of 4*8 floats at most (d is an output: its own tensor).
  EXPECT_EQ((*inst)->arena_bytes(), 2 * 128u);
  const Tensor x = random_floats({4, 8}, 1, -3.0f, 3.0f);
  std::vector<Tensor> out;
  ASSERT_TRUE((*inst)->run(*plan, {&x}, nullptr, &out).is_ok());
  ASSERT_EQ(out[0].shape(), (Shape{4, 8}));
  for (int i = 0; i < 32; ++i) {
    const float a = std::max(x.data<float>()[i], 0.0f);
    const float b = 1.0f / (1.0f + std::exp(-a));
    EXPECT_FLOAT_EQ(out[0].data<float>()[i], b * b + a);
  }
}

TEST(Instance, FusedResidualAccumulatesIntoTheDyingInput) {
  Graph g = build({placeholder("x", {-1, 4, 4, 8}), make_node("r", "Relu", {"x"}),
                   const_node("w", random_floats({1, 1, 8, 8}, 1)),
                   make_node("c", "Conv2D", {"r", "w"},
                             {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("VALID")}}),
                   make_node("s", "Sigmoid", {"r"}), make_node("add", "AddV2", {"c", "s"}),
                   make_node("out", "Relu6", {"add"}), make_node("final", "Square", {"out"})});
  auto plan = build_plan(g, {"final"}, {});
  ASSERT_TRUE(plan.ok());
  fuse_plan(*plan, {});
  auto inst = instance_for(*plan, {2, 4, 4, 8});
  ASSERT_TRUE(inst.ok()) << inst.status().message();
  // s is read by the conv alone, so the sum post-op accumulates straight into s's buffer.
  EXPECT_EQ((*inst)->describe(),
            (std::vector<std::string>{"node 'r' (Relu)", "node 's' (Sigmoid)", "node 'c' (Conv2D+AddV2+Relu6) [in-place]",
                                      "node 'final' (Square)"}));
  const Tensor x = random_floats({2, 4, 4, 8}, 2);
  std::vector<Tensor> fused;
  ASSERT_TRUE((*inst)->run(*plan, {&x}, nullptr, &fused).is_ok());
  SessionOptions off;
  off.enable_fusion = false;
  auto plain = run(g, {"final"}, {{"x", x}}, off);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_LE(max_abs_diff(fused[0], plain[0]), 1e-5f);
}

TEST(Instance, ShapeErrorsNameTheNode) {
  Graph g = build({placeholder("x", {-1, -1}), const_node("w", random_floats({3, 2}, 1)), make_node("mm", "MatMul", {"x", "w"})});
  auto plan = build_plan(g, {"mm"}, {});
  ASSERT_TRUE(plan.ok());
  auto inst = instance_for(*plan, {2, 5});
  ASSERT_FALSE(inst.ok());
  EXPECT_NE(inst.status().message().find("node 'mm' (MatMul): inner dimensions differ"), std::string::npos)
      << inst.status().message();
}

}  // namespace
}  // namespace amct::runtime
