// oneDNN MaxPool / AvgPool against the scalar reference, and TF's rule that
// AvgPool divides by the in-bounds count.
#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

constexpr float kPoolTol = 1e-6f;  // at most 49 values averaged

Node pool_node(const std::string& op, int64_t k, int64_t s, const std::string& padding) {
  return make_node("pool", op, {"x"},
                   {{"ksize", AttrValue::of_ints({1, k, k, 1})},
                    {"strides", AttrValue::of_ints({1, s, s, 1})},
                    {"padding", AttrValue::of_string(padding)},
                    {"data_format", AttrValue::of_string("NHWC")}});
}

TEST(OnednnPool, MatchesReferenceOverShapeSweep) {
  uint32_t seed = 10;
  int cases = 0;
  for (const char* op : {"MaxPool", "AvgPool"})
    for (int64_t k : {1, 2, 3, 7})
      for (int64_t s : {1, 2, 3})
        for (const char* pad : {"SAME", "VALID"})
          for (auto [n, h, w, c] : {std::tuple<int64_t, int64_t, int64_t, int64_t>{1, 7, 7, 3}, {3, 8, 5, 17}}) {
            if (std::string(pad) == "VALID" && (h < k || w < k)) continue;
            SCOPED_TRACE(std::string(op) + " k" + std::to_string(k) + " s" + std::to_string(s) + " " + pad + " n" +
                         std::to_string(n) + " " + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c));
            Graph g = build({placeholder("x", {-1, h, w, c}), pool_node(op, k, s, pad)});
            auto [fast, ref] = run_both(g, "pool", {{"x", random_floats({n, h, w, c}, seed++)}});
            EXPECT_LE(max_abs_diff(fast, ref), kPoolTol);
            ++cases;
          }
  EXPECT_GT(cases, 80);
}

TEST(OnednnPool, AvgPoolSameExcludesPadding) {
  // 3x3 window, stride 1, SAME on a 2x2 input: every window covers all 4 values.
  Graph g = build({placeholder("x", {1, 2, 2, 1}), pool_node("AvgPool", 3, 1, "SAME")});
  auto [fast, ref] = run_both(g, "pool", {{"x", floats({1, 2, 2, 1}, {1, 2, 3, 6})}});
  EXPECT_EQ(values(fast), (std::vector<float>{3, 3, 3, 3}));
  EXPECT_EQ(values(ref), values(fast));
}

TEST(OnednnPool, MaxPoolIgnoresPadding) {
  Graph g = build({placeholder("x", {1, 2, 2, 1}), pool_node("MaxPool", 2, 2, "SAME")});
  auto [fast, ref] = run_both(g, "pool", {{"x", floats({1, 2, 2, 1}, {-4, -3, -2, -1})}});
  EXPECT_EQ(values(fast), (std::vector<float>{-1}));
  EXPECT_EQ(values(ref), values(fast));
}

TEST(OnednnPool, BadWindowIsAnError) {
  Node p = pool_node("MaxPool", 2, 2, "SAME");
  p.attrs["ksize"] = AttrValue::of_ints({2, 2, 2, 1});
  Graph g = build({placeholder("x", {1, 4, 4, 1}), p});
  EXPECT_NE(failure(g, {"pool"}, {}).find("node 'pool' (MaxPool): attribute 'ksize'"), std::string::npos);
}

}  // namespace
}  // namespace amct::runtime
