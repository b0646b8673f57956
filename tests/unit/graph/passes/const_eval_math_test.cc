#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "graph/passes/const_eval.h"
#include "unit/graph/passes/test_graphs.h"

namespace amct::graph {
namespace {

using namespace testing;  // NOLINT

std::optional<Tensor> eval(const Node& n, const std::vector<Tensor>& in) {
  auto r = eval_const_node(n, in);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::nullopt;
}

Node cast_to(DataType t) { return make_node("c", "Cast", {}, {{"DstT", AttrValue::of_type(t)}}); }

TEST(ConstEvalMath, BroadcastingBinaryOps) {
  Tensor a = floats({2, 1}, {1, 2}), b = floats({3}, {10, 20, 30});
  auto add = eval(make_node("a", "AddV2"), {a, b});
  ASSERT_TRUE(add);
  EXPECT_EQ(add->shape(), (Shape{2, 3}));
  const std::vector<float> want = {11, 21, 31, 12, 22, 32};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(add->data<float>()[i], want[static_cast<size_t>(i)]);
  EXPECT_EQ(eval(make_node("s", "Sub"), {a, b})->data<float>()[5], 2 - 30);
  EXPECT_EQ(eval(make_node("m", "Mul"), {a, b})->data<float>()[4], 40);
  EXPECT_EQ(eval(make_node("d", "RealDiv"), {b, floats({}, {4})})->data<float>()[0], 2.5f);
  EXPECT_EQ(eval(make_node("x", "Maximum"), {a, floats({}, {1.5f})})->data<float>()[0], 1.5f);
  EXPECT_EQ(eval(make_node("n", "Minimum"), {a, floats({}, {1.5f})})->data<float>()[1], 1.5f);
}

TEST(ConstEvalMath, IntegerMathWrapsAndDtypesMustMatch) {
  Tensor big = ints({1}, {std::numeric_limits<int32_t>::max()});
  EXPECT_EQ(eval(make_node("a", "Add"), {big, ints({1}, {1})})->data<int32_t>()[0],
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(eval(make_node("m", "Mul"), {ints({2}, {3, -4}), ints({}, {5})})->to_int64_vector(),
            (std::vector<int64_t>{15, -20}));
  EXPECT_FALSE(eval_const_node(make_node("a", "Add"), {ints({1}, {1}), floats({1}, {1})}).ok());
  // Integer RealDiv is not folded.
  EXPECT_FALSE(eval(make_node("d", "RealDiv"), {ints({1}, {1}), ints({1}, {1})}).has_value());
}

TEST(ConstEvalMath, RsqrtSqrt) {
  auto r = eval(make_node("r", "Rsqrt"), {floats({2}, {4, 0.25f})});
  EXPECT_FLOAT_EQ(r->data<float>()[0], 0.5f);
  EXPECT_FLOAT_EQ(r->data<float>()[1], 2.0f);
  EXPECT_FLOAT_EQ(eval(make_node("s", "Sqrt"), {floats({1}, {9})})->data<float>()[0], 3.0f);
}

TEST(ConstEvalMath, Cast) {
  auto f = eval(cast_to(DataType::kFloat), {ints({2}, {-3, 7})});
  EXPECT_EQ(f->dtype(), DataType::kFloat);
  EXPECT_EQ(f->data<float>()[0], -3.0f);
  auto i = eval(cast_to(DataType::kInt32), {floats({2}, {2.9f, -2.9f})});
  EXPECT_EQ(i->to_int64_vector(), (std::vector<int64_t>{2, -2}));  // truncation, like TF
  auto b = eval(cast_to(DataType::kBool), {floats({2}, {0.0f, 0.1f})});
  EXPECT_EQ(b->to_int64_vector(), (std::vector<int64_t>{0, 1}));
  auto l = eval(cast_to(DataType::kInt64), {ints({1}, {-5})});
  EXPECT_EQ(l->data<int64_t>()[0], -5);
  // Values that have no integer equivalent are left for the runtime.
  EXPECT_FALSE(eval(cast_to(DataType::kInt32), {floats({1}, {NAN})}).has_value());
  EXPECT_FALSE(eval(cast_to(DataType::kInt32), {floats({1}, {3e9f})}).has_value());
  EXPECT_FALSE(eval_const_node(make_node("c", "Cast"), {ints({1}, {1})}).ok());  // no DstT
}

TEST(ConstEvalMath, ProdAndSum) {
  Tensor x = ints({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(eval(make_node("p", "Prod"), {x, ints({1}, {0})})->to_int64_vector(), (std::vector<int64_t>{4, 10, 18}));
  auto all = eval(make_node("p", "Prod"), {x, ints({2}, {0, -1})});
  EXPECT_EQ(all->rank(), 0);
  EXPECT_EQ(all->to_int64_vector(), (std::vector<int64_t>{720}));
  auto kept = eval(make_node("s", "Sum", {}, {{"keep_dims", AttrValue::of_bool(true)}}), {x, ints({}, {1})});
  EXPECT_EQ(kept->shape(), (Shape{2, 1}));
  EXPECT_EQ(kept->to_int64_vector(), (std::vector<int64_t>{6, 15}));
  EXPECT_FALSE(eval_const_node(make_node("p", "Prod"), {x, ints({1}, {2})}).ok());
}

TEST(ConstEvalMath, ArityIsChecked) {
  EXPECT_FALSE(eval_const_node(make_node("a", "AddV2"), {floats({1}, {1})}).ok());
  EXPECT_TRUE(is_const_foldable_op("StridedSlice"));
  EXPECT_FALSE(is_const_foldable_op("Conv2D"));
}

}  // namespace
}  // namespace amct::graph
