// Session: feeds are checked, any batch size runs, outputs belong to the
// caller, threads are scoped, observers see what they asked for, and the
// quantize-dequantize patterns amct writes run as TF defines them.
#include "runtime/session.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <map>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

Graph small_net() {
  return build({placeholder("x", {-1, 5, 5, 3}), const_node("w", random_floats({3, 3, 3, 4}, 1)),
                make_node("conv", "Conv2D", {"x", "w"},
                          {{"strides", AttrValue::of_ints({1, 2, 2, 1})}, {"padding", AttrValue::of_string("SAME")}}),
                make_node("relu", "Relu", {"conv"}), const_node("axes", ints32({2}, {1, 2})),
                make_node("mean", "Mean", {"relu", "axes"})});
}

TEST(Session, AnyBatchSizeIncludingZero) {
  auto session = Session::create(small_net(), {"mean"});
  ASSERT_TRUE(session.ok()) << session.status().message();
  EXPECT_EQ((*session)->placeholder_names(), std::vector<std::string>{"x"});
  const Tensor x3 = random_floats({3, 5, 5, 3}, 2);
  auto a = (*session)->run({{"x", x3}});
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ((*a)[0].shape(), (Shape{3, 4}));
  for (int64_t n : {1, 0, 3}) {
    Tensor x(DataType::kFloat, {n, 5, 5, 3});
    std::copy(x3.data<float>(), x3.data<float>() + x.num_elements(), x.data<float>());
    auto b = (*session)->run({{"x:0", x}});
    ASSERT_TRUE(b.ok()) << b.status().message();
    ASSERT_EQ((*b)[0].shape(), (Shape{n, 4}));
    for (int64_t i = 0; i < n * 4; ++i) EXPECT_EQ((*b)[0].data<float>()[i], (*a)[0].data<float>()[i]);
  }
}

TEST(Session, OutputsAreFreshTensorsPerRun) {
  auto session = Session::create(small_net(), {"mean"});
  ASSERT_TRUE(session.ok());
  auto a = (*session)->run({{"x", random_floats({2, 5, 5, 3}, 3)}});
  ASSERT_TRUE(a.ok());
  const std::vector<float> keep = values((*a)[0]);
  auto b = (*session)->run({{"x", random_floats({2, 5, 5, 3}, 4)}});
  ASSERT_TRUE(b.ok());
  EXPECT_NE((*a)[0].raw(), (*b)[0].raw());
  EXPECT_EQ(values((*a)[0]), keep);
  EXPECT_NE(values((*b)[0]), keep);
}

TEST(Session, BadFeedsAreErrorsNotCrashes) {
  auto session = Session::create(small_net(), {"mean"});
  ASSERT_TRUE(session.ok());
  auto msg = [&](const Feeds& f) {
    auto r = (*session)->run(f);
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(msg({}).find("missing feed for input 'x'"), std::string::npos);
  EXPECT_NE(msg({{"y", random_floats({1, 5, 5, 3}, 1)}}).find("feed 'y' is not an input of this session (inputs: x)"),
            std::string::npos);
  EXPECT_NE(msg({{"x", ints32({1}, {1})}}).find("feed 'x' is int32, the placeholder is float32"), std::string::npos);
  EXPECT_NE(msg({{"x", random_floats({1, 5, 5}, 1)}}).find("has shape [1,5,5], the placeholder expects [-1,5,5,3]"),
            std::string::npos);
  EXPECT_NE(msg({{"x", random_floats({1, 5, 6, 3}, 1)}}).find("the placeholder expects"), std::string::npos);
  EXPECT_NE(msg({{"x", Tensor()}}).find("empty tensor"), std::string::npos);
  const Tensor ok = random_floats({1, 5, 5, 3}, 1);
  EXPECT_NE(msg({{"x", ok}, {"x:0", ok}}).find("given twice"), std::string::npos);
  EXPECT_EQ(msg({{"x", ok}}), "");
}

TEST(Session, UnsupportedOpIsReportedAtCreateWithNodeAndType) {
  Graph g = build({placeholder("wav", {-1}), make_node("spectrogram", "AudioSpectrogram", {"wav"}),
                   make_node("out", "Relu", {"spectrogram"})});
  auto s = Session::create(g, {"out"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("node 'spectrogram' (AudioSpectrogram): op 'AudioSpectrogram' is not supported"),
            std::string::npos)
      << s.status().message();
  EXPECT_FALSE(is_supported_op("AudioSpectrogram"));
  // Cut above it: the graph runs from the fed node.
  SessionOptions opts;
  opts.inputs = {"spectrogram"};
  auto cut = Session::create(g, {"out"}, opts);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_EQ((*cut)->placeholder_names(), std::vector<std::string>{"spectrogram"});
  auto out = (*cut)->run({{"spectrogram", floats({2}, {-1, 2})}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(values((*out)[0]), (std::vector<float>{0, 2}));
}

TEST(Session, ThreadCountIsScopedToTheCall) {
  const int before = omp_get_max_threads();
  SessionOptions opts;
  opts.num_threads = before == 1 ? 2 : 1;
  auto session = Session::create(small_net(), {"mean"}, opts);
  ASSERT_TRUE(session.ok());
  int seen = 0;
  opts.observed_tensors = {"relu"};
  auto observed = Session::create(small_net(), {"mean"}, opts);
  ASSERT_TRUE(observed.ok());
  auto r = (*observed)->run({{"x", random_floats({1, 5, 5, 3}, 1)}},
                            [&](const std::string&, const Tensor&) { seen = omp_get_max_threads(); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, opts.num_threads);
  EXPECT_EQ(omp_get_max_threads(), before);
}

TEST(Session, ObserverSeesFeedsConstantsAndIntermediates) {
  SessionOptions opts;
  opts.observed_tensors = {"x", "w", "relu"};
  auto session = Session::create(small_net(), {"mean", "x"}, opts);
  ASSERT_TRUE(session.ok()) << session.status().message();
  const Tensor x = random_floats({2, 5, 5, 3}, 5);
  std::vector<std::string> names;
  auto out = (*session)->run({{"x", x}}, [&](const std::string& name, const Tensor& t) {
    names.push_back(name);
    if (name == "x") {
      EXPECT_TRUE(t.equals(x));
    } else if (name == "w") {
      EXPECT_EQ(t.shape(), (Shape{3, 3, 3, 4}));
    } else if (name == "relu") {
      EXPECT_EQ(t.shape(), (Shape{2, 3, 3, 4}));
      for (int64_t i = 0; i < t.num_elements(); ++i) EXPECT_GE(t.data<float>()[i], 0.0f);
    }
  });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(names, (std::vector<std::string>{"x", "w", "relu"}));
  // An output that is a feed comes back as a copy.
  EXPECT_TRUE((*out)[1].equals(x));
  EXPECT_NE((*out)[1].raw(), x.raw());
}

TEST(Session, KeptObservedTensorsStayValid) {
  SessionOptions opts;
  opts.observed_tensors = {"conv", "relu"};
  auto session = Session::create(small_net(), {"mean"}, opts);
  ASSERT_TRUE(session.ok());
  const Tensor x = random_floats({2, 5, 5, 3}, 9);
  std::vector<Tensor> kept;
  auto out = (*session)->run({{"x", x}}, [&](const std::string&, const Tensor& t) { kept.push_back(t); });
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(kept.size(), 2u);
  // A second run must not write into the tensors the first one handed out.
  const std::vector<float> conv = values(kept[0]), relu = values(kept[1]);
  ASSERT_TRUE((*session)->run({{"x", random_floats({2, 5, 5, 3}, 10)}}).ok());
  EXPECT_EQ(values(kept[0]), conv);
  EXPECT_EQ(values(kept[1]), relu);
  for (size_t i = 0; i < conv.size(); ++i) EXPECT_EQ(relu[i], std::max(conv[i], 0.0f));
}

// observe_in_place: observed values live in the arena; run_views() reads them in place and
// sees what run() hands out as fresh tensors; run() on such a session hands out copies.
TEST(Session, InPlaceObservationSeesTheSameValues) {
  SessionOptions fresh_opts;
  fresh_opts.observed_tensors = {"x", "w", "conv", "relu"};
  SessionOptions in_place_opts = fresh_opts;
  in_place_opts.observe_in_place = true;
  auto fresh = Session::create(small_net(), {"mean"}, fresh_opts);
  auto in_place = Session::create(small_net(), {"mean"}, in_place_opts);
  ASSERT_TRUE(fresh.ok() && in_place.ok());
  std::map<std::string, std::vector<float>> want;
  for (uint32_t seed : {11u, 12u}) {  // the second run reuses the arena
    const Tensor x = random_floats({2, 5, 5, 3}, seed);
    auto a = (*fresh)->run({{"x", x}}, [&](const std::string& name, const Tensor& t) { want[name] = values(t); });
    ASSERT_TRUE(a.ok());
    std::vector<std::string> names;
    auto b = (*in_place)->run_views({{"x", x}}, [&](const std::string& name, const TensorView& v) {
      names.push_back(name);
      ASSERT_EQ(v.dtype, DataType::kFloat);
      EXPECT_EQ(v.num_elements, static_cast<int64_t>(want[name].size())) << name;
      const std::vector<float> got(v.as<float>(), v.as<float>() + v.num_elements);
      EXPECT_EQ(got, want[name]) << name;
    });
    ASSERT_TRUE(b.ok()) << b.status().message();
    EXPECT_EQ(names, (std::vector<std::string>{"x", "w", "conv", "relu"}));
    EXPECT_EQ(values((*a)[0]), values((*b)[0]));
  }
  std::vector<Tensor> kept;
  ASSERT_TRUE((*in_place)->run({{"x", random_floats({2, 5, 5, 3}, 13)}}, [&](const std::string&, const Tensor& t) {
    kept.push_back(t);
  }).ok());
  ASSERT_EQ(kept.size(), 4u);
  const std::vector<float> conv = values(kept[2]), relu = values(kept[3]);
  ASSERT_TRUE((*in_place)->run({{"x", random_floats({2, 5, 5, 3}, 14)}}).ok());
  EXPECT_EQ(values(kept[2]), conv);
  for (size_t i = 0; i < conv.size(); ++i) EXPECT_EQ(relu[i], std::max(conv[i], 0.0f));
}

TEST(Session, HugeShapesAreErrors) {
  Graph g = build({placeholder("x", {1, 1}), const_node("p", Tensor::from_vector<int64_t>({2, 2}, {0, int64_t{1} << 32, 0, int64_t{1} << 32})),
                   make_node("y", "Pad", {"x", "p"})});
  const std::string msg = failure(g, {"y"}, {{"x", random_floats({1, 1}, 1)}});
  EXPECT_NE(msg.find("node 'y' (Pad)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("too many elements"), std::string::npos) << msg;
}

// The fp32 simulation amct writes: activations x -> Mul(1/s) -> Round ->
// ClipByValue -> Mul(s); weights int8 -> Cast -> Mul(per-channel scale) -> conv.
TEST(Session, QuantizeDequantizePatternsRunAsTensorFlowDefinesThem) {
  const float s = 0.05f;
  std::vector<int8_t> q(3 * 3 * 2 * 4);
  for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
  const std::vector<float> wscale = {0.01f, 0.02f, 0.03f, 0.04f};
  Graph g = build({placeholder("x", {-1, 4, 4, 2}), const_node("inv", floats({}, {1.0f / s})),
                   make_node("xs", "Mul", {"x", "inv"}), make_node("xr", "Round", {"xs"}),
                   const_node("lo", floats({}, {-128})), const_node("hi", floats({}, {127})),
                   make_node("xc", "ClipByValue", {"xr", "lo", "hi"}), const_node("s", floats({}, {s})),
                   make_node("xq", "Mul", {"xc", "s"}),
                   const_node("wq", Tensor::from_vector<int8_t>({3, 3, 2, 4}, q)),
                   make_node("wf", "Cast", {"wq"}, {{"DstT", AttrValue::of_type(DataType::kFloat)}}),
                   const_node("ws", floats({4}, wscale)), make_node("w", "Mul", {"wf", "ws"}),
                   make_node("conv", "Conv2D", {"xq", "w"},
                             {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("SAME")}})});
  auto session = Session::create(g, {"xq", "conv"});
  ASSERT_TRUE(session.ok()) << session.status().message();
  // The weight chain is folded into a constant at create().
  for (const std::string& step : (*session)->plan_steps()) {
    EXPECT_EQ(step.find("'wf'"), std::string::npos) << step;
    EXPECT_EQ(step.find("'w'"), std::string::npos) << step;
  }
  Tensor x = random_floats({2, 4, 4, 2}, 6, -8.0f, 8.0f);
  x.data<float>()[0] = 0.025f;  // half a step (0.025 * 20 rounds to 0.5 in float): to even, 0
  auto out = (*session)->run({{"x", x}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& xq = (*out)[0];
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    const float v = x.data<float>()[i] * (1.0f / s);
    const float want = std::min(std::max(std::nearbyint(v), -128.0f), 127.0f) * s;
    ASSERT_EQ(xq.data<float>()[i], want) << i;
  }
  EXPECT_EQ(xq.data<float>()[0], 0.0f);
  // The conv equals a conv on explicitly dequantized weights.
  std::vector<float> wdeq(q.size());
  for (size_t i = 0; i < q.size(); ++i) wdeq[i] = static_cast<float>(q[i]) * wscale[i % 4];
  Graph plain = build({placeholder("xq", {-1, 4, 4, 2}), const_node("w", floats({3, 3, 2, 4}, wdeq)),
                       make_node("conv", "Conv2D", {"xq", "w"},
                                 {{"strides", AttrValue::of_ints({1, 1, 1, 1})}, {"padding", AttrValue::of_string("SAME")}})});
  auto ref = run(plain, {"conv"}, {{"xq", xq}});
  ASSERT_EQ(ref.size(), 1u);
  EXPECT_LE(max_abs_diff((*out)[1], ref[0]), 1e-5f);
}

}  // namespace
}  // namespace amct::runtime
