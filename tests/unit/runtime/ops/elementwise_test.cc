// Unary math, broadcasting binary ops, BiasAdd and ClipByValue.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Tensor unary(const std::string& op, const Tensor& x) {
  Graph g = build({placeholder("x", x.shape()), make_node("y", op, {"x"})});
  auto out = run(g, {"y"}, {{"x", x}});
  return out.empty() ? Tensor() : out[0];
}

TEST(Elementwise, RoundIsHalfToEven) {
  const Tensor x = floats({10}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4999999f, 1e9f + 0.0f, -3.7f, 8388609.0f});
  const Tensor y = unary("Round", x);
  const std::vector<float> want = {0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f, 2.0f, 1e9f, -4.0f, 8388609.0f};
  ASSERT_EQ(values(y), want);
  EXPECT_TRUE(std::signbit(y.data<float>()[3]));  // -0.5 rounds to -0, as std::nearbyint does
}

TEST(Elementwise, UnaryOpsMatchTheirDefinitions) {
  const Tensor x = random_floats({1000}, 3, -8.0f, 8.0f);
  const Tensor pos = random_floats({1000}, 4, 0.01f, 8.0f);
  struct Case {
    const char* op;
    const Tensor* in;
    std::function<float(float)> f;
    float tol;
  };
  const Case cases[] = {
      {"Relu", &x, [](float v) { return v < 0 ? 0.0f : v; }, 0.0f},
      {"Relu6", &x, [](float v) { return std::min(std::max(v, 0.0f), 6.0f); }, 0.0f},
      {"Square", &x, [](float v) { return v * v; }, 0.0f},
      {"Sqrt", &pos, [](float v) { return std::sqrt(v); }, 0.0f},
      {"Rsqrt", &pos, [](float v) { return 1.0f / std::sqrt(v); }, 1e-6f},
      {"Sigmoid", &x, [](float v) { return 1.0f / (1.0f + std::exp(-v)); }, 1e-6f},
      {"Tanh", &x, [](float v) { return std::tanh(v); }, 1e-6f},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.op);
    const Tensor y = unary(c.op, *c.in);
    ASSERT_EQ(y.shape(), c.in->shape());
    for (int64_t i = 0; i < y.num_elements(); ++i)
      ASSERT_NEAR(y.data<float>()[i], c.f(c.in->data<float>()[i]), c.tol) << c.in->data<float>()[i];
  }
}

// out[i,j,k] for a [2,1,3] and b [4,1] (-> [2,4,3]), the naive way.
template <typename T>
std::vector<T> naive(const std::vector<T>& a, const std::vector<T>& b, std::function<T(T, T)> f) {
  std::vector<T> out;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) out.push_back(f(a[static_cast<size_t>(i * 3 + k)], b[static_cast<size_t>(j)]));
  return out;
}

TEST(Elementwise, BinaryOpsBroadcastLikeNumpy) {
  const std::vector<float> a = {1, -2, 3, 4.5f, -5, 6};
  const std::vector<float> b = {2, -1, 0.5f, 3};
  const std::pair<const char*, std::function<float(float, float)>> ops[] = {
      {"Add", std::plus<float>()},     {"AddV2", std::plus<float>()},
      {"Sub", std::minus<float>()},    {"Mul", std::multiplies<float>()},
      {"RealDiv", std::divides<float>()},
      {"Maximum", [](float x, float y) { return std::max(x, y); }},
      {"Minimum", [](float x, float y) { return std::min(x, y); }}};
  for (const auto& [op, f] : ops) {
    SCOPED_TRACE(op);
    Graph g = build({placeholder("a", {2, 1, 3}), placeholder("b", {4, 1}), make_node("y", op, {"a", "b"})});
    auto out = run(g, {"y"}, {{"a", floats({2, 1, 3}, a)}, {"b", floats({4, 1}, b)}});
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].shape(), (Shape{2, 4, 3}));
    EXPECT_EQ(values(out[0]), naive<float>(a, b, f));
    // Operands swapped: b op a.
    Graph g2 = build({placeholder("a", {2, 1, 3}), placeholder("b", {4, 1}), make_node("y", op, {"b", "a"})});
    auto out2 = run(g2, {"y"}, {{"a", floats({2, 1, 3}, a)}, {"b", floats({4, 1}, b)}});
    ASSERT_EQ(out2.size(), 1u);
    EXPECT_EQ(values(out2[0]), naive<float>(a, b, [&](float x, float y) { return f(y, x); }));
  }
}

TEST(Elementwise, Int32ArithmeticWrapsInsteadOfOverflowing) {
  Graph g = build({placeholder("a", {3}, DataType::kInt32), placeholder("b", {}, DataType::kInt32),
                   make_node("y", "Mul", {"a", "b"}), make_node("z", "Add", {"a", "b"})});
  auto out = run(g, {"y", "z"}, {{"a", ints32({3}, {2, -3, INT32_MAX})}, {"b", ints32({}, {2})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].data<int32_t>()[0], 4);
  EXPECT_EQ(out[0].data<int32_t>()[1], -6);
  EXPECT_EQ(out[0].data<int32_t>()[2], -2);  // two's complement wrap
  EXPECT_EQ(out[1].data<int32_t>()[2], INT32_MIN + 1);
}

TEST(Elementwise, LargeTensorsSplitAcrossThreadsGiveTheSameResult) {
  const Tensor a = random_floats({300, 200}, 5);
  const Tensor b = random_floats({200}, 6);
  Graph g = build({placeholder("a", {300, 200}), placeholder("b", {200}), make_node("y", "Sub", {"a", "b"})});
  for (int threads : {1, 2}) {
    SessionOptions opts;
    opts.num_threads = threads;
    auto out = run(g, {"y"}, {{"a", a}, {"b", b}}, opts);
    ASSERT_EQ(out.size(), 1u);
    for (int64_t i = 0; i < a.num_elements(); ++i)
      ASSERT_EQ(out[0].data<float>()[i], a.data<float>()[i] - b.data<float>()[i % 200]);
  }
}

TEST(Elementwise, IncompatibleShapesAndDtypesAreErrors) {
  Graph g = build({placeholder("a", {2, 3}), placeholder("b", {4}), make_node("y", "Add", {"a", "b"})});
  const std::string msg = failure(g, {"y"}, {{"a", random_floats({2, 3}, 1)}, {"b", random_floats({4}, 2)}});
  EXPECT_NE(msg.find("node 'y' (Add): shapes [2,3] and [4] are not broadcastable"), std::string::npos) << msg;
  Graph g2 = build({placeholder("a", {2}), placeholder("b", {2}, DataType::kInt32), make_node("y", "Mul", {"a", "b"})});
  const std::string msg2 = failure(g2, {"y"}, {{"a", random_floats({2}, 1)}, {"b", ints32({2}, {1, 2})}});
  EXPECT_NE(msg2.find("node 'y' (Mul): operand dtypes differ"), std::string::npos) << msg2;
}

TEST(Elementwise, BiasAddAddsAlongTheLastDim) {
  Graph g = build({placeholder("x", {1, 2, 2}), const_node("b", floats({2}, {10, 20})),
                   make_node("y", "BiasAdd", {"x", "b"}, {{"data_format", AttrValue::of_string("NHWC")}})});
  auto out = run(g, {"y"}, {{"x", floats({1, 2, 2}, {1, 2, 3, 4})}});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(values(out[0]), (std::vector<float>{11, 22, 13, 24}));
  Graph bad = build({placeholder("x", {1, 2, 3}), const_node("b", floats({2}, {10, 20})),
                     make_node("y", "BiasAdd", {"x", "b"})});
  EXPECT_NE(failure(bad, {"y"}, {{"x", random_floats({1, 2, 3}, 1)}}).find("does not match the last dim"),
            std::string::npos);
}

TEST(Elementwise, ClipByValueWithScalarAndTensorBounds) {
  Graph g = build({placeholder("x", {4}), const_node("lo", floats({}, {-1})), const_node("hi", floats({}, {2})),
                   const_node("lo4", floats({4}, {0, 0, -5, 3})), make_node("y", "ClipByValue", {"x", "lo", "hi"}),
                   make_node("z", "ClipByValue", {"x", "lo4", "hi"})});
  auto out = run(g, {"y", "z"}, {{"x", floats({4}, {-3, 0.5f, 7, 1})}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(values(out[0]), (std::vector<float>{-1, 0.5f, 2, 1}));
  // lo > hi on the last element: TF applies min(hi) then max(lo), giving lo.
  EXPECT_EQ(values(out[1]), (std::vector<float>{0, 0.5f, 2, 3}));
  Graph bad = build({placeholder("x", {4}), const_node("lo", floats({2}, {0, 0})), const_node("hi", floats({}, {2})),
                     make_node("y", "ClipByValue", {"x", "lo", "hi"})});
  EXPECT_NE(failure(bad, {"y"}, {{"x", random_floats({4}, 1)}}).find("must be a scalar or have the input's shape"),
            std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
