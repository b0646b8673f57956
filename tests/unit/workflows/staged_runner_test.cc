#include "workflows/staged_runner.h"

#include <gtest/gtest.h>

#include "runtime/session.h"
#include "unit/runtime/runtime_test_util.h"

namespace amct::workflows {
namespace {

using namespace amct::runtime::testing;

// x -> a = Relu(x) -> m = a * c1 -> s = m + a (a residual) -> t = s * c2 -> out = Relu(t)
Graph residual_chain(float c2) {
  return build({placeholder("x", {-1, 1, 1, 3}), const_node("c1", floats({3}, {2.0f, -1.0f, 0.5f})),
                const_node("c2", floats({3}, {c2, c2, -c2})), make_node("a", "Relu", {"x"}),
                make_node("m", "Mul", {"a", "c1"}), make_node("s", "AddV2", {"m", "a"}),
                make_node("t", "Mul", {"s", "c2"}), make_node("out", "Relu", {"t"})});
}

// Five images [5,1,1,3] with negative and positive values.
Tensor images() {
  std::vector<float> v;
  for (int i = 0; i < 15; ++i) v.push_back(static_cast<float>(i % 7) - 2.5f);
  return floats({5, 1, 1, 3}, v);
}

// The whole graph run once for `target`.
std::vector<float> reference(const Graph& g, const std::string& target) {
  auto s = runtime::Session::create(g, {target});
  EXPECT_TRUE(s.ok()) << s.status().message();
  auto out = (*s)->run({{"x", images()}});
  EXPECT_TRUE(out.ok()) << out.status().message();
  const Tensor& t = (*out)[0];
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

std::vector<float> joined(const std::vector<Tensor>& pieces) {
  std::vector<float> v;
  for (const Tensor& t : pieces) v.insert(v.end(), t.data<float>(), t.data<float>() + t.num_elements());
  return v;
}

TEST(StagedRunner, EachTargetEqualsAWholeRunAndOnlyTheFrontierIsKept) {
  const Graph g = residual_chain(3.0f);
  StagedRunner runner("x", {images()}, 1, /*max_images=*/2);

  auto m = runner.advance(g, "m");
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->size(), 3u);  // pieces of 2, 2 and 1 images
  EXPECT_EQ((*m)[2].dim(0), 1);
  EXPECT_EQ(joined(*m), reference(g, "m"));
  // `a` is still read by the residual add, `m` by it too; `x` by nothing left.
  EXPECT_EQ(runner.frontier(), (std::vector<std::string>{"a", "m"}));

  auto s = runner.advance(g, "s:0");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(joined(*s), reference(g, "s"));
  EXPECT_EQ(runner.frontier(), (std::vector<std::string>{"s"}));

  auto again = runner.advance(g, "s");  // kept: served without running
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].raw(), (*s)[0].raw());

  auto out = runner.advance(g, "out");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(joined(*out), reference(g, "out"));
  EXPECT_TRUE(runner.frontier().empty());
}

TEST(StagedRunner, ChangesDownstreamOfTheTargetsSoFarAreSeen) {
  // Corrections rewrite a layer's constants after taking its input: the next
  // target must be computed with the new constants, from the kept values.
  Graph g = residual_chain(3.0f);
  StagedRunner runner("x", {images()}, 1);
  ASSERT_TRUE(runner.advance(g, "s").ok());
  const Graph changed = residual_chain(-0.25f);
  auto out = runner.advance(changed, "out");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(joined(*out), reference(changed, "out"));
  EXPECT_NE(joined(*out), reference(g, "out"));
}

TEST(StagedRunner, AnUnknownTargetIsAnErrorNamingIt) {
  const Graph g = residual_chain(1.0f);
  StagedRunner runner("x", {images()}, 1);
  auto r = runner.advance(g, "no_such_node");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no_such_node"), std::string::npos) << r.status().message();
  auto c = runner.advance(g, "^m");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("control"), std::string::npos) << c.status().message();
}

TEST(StagedRunner, AnotherUnfedPlaceholderIsAnErrorNamingIt) {
  const Graph g = build({placeholder("x", {-1, 1, 1, 3}), placeholder("flag", {-1, 1, 1, 3}),
                         make_node("sum", "AddV2", {"x", "flag"})});
  StagedRunner runner("x", {images()}, 1);
  auto r = runner.advance(g, "sum");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'flag'"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace amct::workflows
