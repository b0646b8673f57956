// The fp32 runtime on the real models: logits and probabilities against the
// ONNX Runtime references in shared/assets, any batch size, fusion on/off, the
// reference kernels, and every graph under tf_frozen.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "formats/tf/graphdef_reader.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/pipeline.h"
#include "runtime/session.h"
#include "test_util.h"

namespace amct::runtime {
namespace {

using amct::testing::asset;
using amct::testing::read_floats;

// ORT, OpenCV and a numpy interpreter agree within 4e-5 on these logits
// (models/README.md); 1e-4 leaves room for another summation order.
constexpr float kLogitTol = 1e-4f;

graph::Graph load(const std::string& rel) {
  auto g = tf::read_graphdef(asset(rel));
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : graph::Graph();
}

Tensor images(const std::string& rel, int64_t n_from = 0, int64_t n = 8) {
  const std::vector<float> all = read_floats(asset(rel));
  const int64_t per = 224 * 224 * 3;
  EXPECT_EQ(static_cast<int64_t>(all.size()), 8 * per) << rel;
  Tensor t(graph::DataType::kFloat, {n, 224, 224, 3});
  std::copy(all.begin() + n_from * per, all.begin() + (n_from + n) * per, t.data<float>());
  return t;
}

// Max over elements of min(|a-b|, |a-b|/|b|): "within tol abs or rel".
float worst_error(const float* a, const float* b, int64_t n) {
  float worst = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float d = std::fabs(a[i] - b[i]);
    const float rel = std::fabs(b[i]) > 0 ? d / std::fabs(b[i]) : d;
    worst = std::max(worst, std::min(d, rel));
  }
  return worst;
}

struct RefCase {
  const char* name;
  const char* model;
  const char* inputs;
  const char* logits;
  const char* probs;  // empty: the model's refs have none
  const char* logits_node;
  const char* output_node;
};

const RefCase kCases[] = {
    {"v2_opencv", "models/mobilenet_v2_1.0_224_quant_float.pb", "models/refs/mobilenet_v2_1.0_224_quant/inputs_8.bin",
     "models/refs/mobilenet_v2_1.0_224_quant/logits_8.bin", "models/refs/mobilenet_v2_1.0_224_quant/probs_8.bin",
     "MobilenetV2/Logits/Squeeze", "MobilenetV2/Predictions/Reshape_1"},
    {"v2_slim", "models/mobilenet_v2_1.0_224_quant_float.pb", "models/refs/mobilenet_v2_1.0_224_quant/inputs_8_slim.bin",
     "models/refs/mobilenet_v2_1.0_224_quant/logits_8_slim.bin",
     "models/refs/mobilenet_v2_1.0_224_quant/probs_8_slim.bin", "MobilenetV2/Logits/Squeeze",
     "MobilenetV2/Predictions/Reshape_1"},
    {"tf2_slim", "models/tf2_mobilenet_v2_1.0_224_ptq_float.pb", "models/refs/tf2_mobilenet_v2_1.0_224_ptq/inputs_8_slim.bin",
     "models/refs/tf2_mobilenet_v2_1.0_224_ptq/logits_8_slim.bin",
     "models/refs/tf2_mobilenet_v2_1.0_224_ptq/probs_8_slim.bin", "MobileNetV2/top/SpatialSqueeze/Reshape",
     "Identity"},
    {"v1_025_slim", "float_models/mobilenet_v1_0.25_224_float.pb", "float_models/refs/mobilenet_v1_0.25_224/inputs_8_slim.bin",
     "float_models/refs/mobilenet_v1_0.25_224/logits_8_slim.bin", "", "MobilenetV1/Logits/SpatialSqueeze",
     "MobilenetV1/Predictions/Reshape_1"},
};

class RuntimeRefs : public ::testing::TestWithParam<RefCase> {};

TEST_P(RuntimeRefs, LogitsAndProbsMatchOnnxRuntime) {
  const RefCase& c = GetParam();
  graph::Graph g = load(c.model);
  for (bool fusion : {true, false}) {
    SessionOptions opts;
    opts.enable_fusion = fusion;
    auto session = Session::create(g, {c.logits_node, c.output_node}, opts);
    ASSERT_TRUE(session.ok()) << session.status().message();
    EXPECT_EQ((*session)->placeholder_names(), std::vector<std::string>{"input"});
    auto out = (*session)->run({{"input", images(c.inputs)}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    ASSERT_EQ(out->size(), 2u);
    const Tensor& logits = (*out)[0];
    const Tensor& probs = (*out)[1];
    ASSERT_EQ(logits.shape(), (graph::Shape{8, 1001}));
    ASSERT_EQ(probs.shape(), (graph::Shape{8, 1001}));
    const std::vector<float> want_logits = read_floats(asset(c.logits));
    ASSERT_EQ(want_logits.size(), 8u * 1001u);
    EXPECT_LE(worst_error(logits.data<float>(), want_logits.data(), 8 * 1001), kLogitTol) << "fusion " << fusion;
    if (*c.probs) {
      const std::vector<float> want_probs = read_floats(asset(c.probs));
      EXPECT_LE(worst_error(probs.data<float>(), want_probs.data(), 8 * 1001), kLogitTol) << "fusion " << fusion;
    }
    for (int i = 0; i < 8; ++i) {
      double sum = 0;
      for (int j = 0; j < 1001; ++j) sum += probs.data<float>()[i * 1001 + j];
      EXPECT_NEAR(sum, 1.0, 1e-4);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, RuntimeRefs, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<RefCase>& info) { return std::string(info.param.name); });

TEST(RuntimeModels, AnyBatchSizeGivesTheSameRows) {
  const RefCase& c = kCases[0];
  graph::Graph g = load(c.model);
  // The whole batch of 8 in one piece is the baseline; the session below slices.
  SessionOptions whole_opts;
  whole_opts.batch_slice = 0;
  auto whole = Session::create(g, {c.logits_node}, whole_opts);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  auto full = (*whole)->run({{"input", images(c.inputs)}});
  ASSERT_TRUE(full.ok()) << full.status().message();
  auto session = Session::create(g, {c.logits_node});
  ASSERT_TRUE(session.ok()) << session.status().message();
  // Batch 1 and 3 (new shapes: new instances), then batch 8 again (cached).
  for (auto [from, n] : {std::pair<int64_t, int64_t>{0, 1}, {5, 3}, {0, 8}}) {
    auto part = (*session)->run({{"input", images(c.inputs, from, n)}});
    ASSERT_TRUE(part.ok()) << part.status().message();
    ASSERT_EQ((*part)[0].shape(), (graph::Shape{n, 1001}));
    EXPECT_LE(worst_error((*part)[0].data<float>(), (*full)[0].data<float>() + from * 1001, n * 1001), kLogitTol)
        << "batch " << n;
  }
}

TEST(RuntimeModels, ReferenceKernelsAgreeWithOnednn) {
  const RefCase& c = kCases[3];  // MobileNetV1 0.25: small enough for the scalar kernels
  graph::Graph g = load(c.model);
  SessionOptions ref_opts;
  ref_opts.reference_kernels = true;
  auto ref = Session::create(g, {c.logits_node}, ref_opts);
  auto fast = Session::create(g, {c.logits_node});
  ASSERT_TRUE(ref.ok() && fast.ok());
  const Tensor x = images(c.inputs, 0, 2);
  auto a = (*ref)->run({{"input", x}});
  auto b = (*fast)->run({{"input", x}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LE(worst_error((*b)[0].data<float>(), (*a)[0].data<float>(), 2 * 1001), kLogitTol);
  const std::vector<float> want = read_floats(asset(c.logits));
  EXPECT_LE(worst_error((*a)[0].data<float>(), want.data(), 2 * 1001), kLogitTol);
}

// The QAT graph's weight FakeQuants see weights that already lie on their grid
// (models/README.md): TF's nudging must return them unchanged.
TEST(RuntimeModels, QatWeightFakeQuantIsIdentityOnGridWeights) {
  graph::Graph g = load("models/mobilenet_v2_1.0_224_quant_qat.pb");
  std::vector<std::string> fq, weights;
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    if (n.op == "FakeQuantWithMinMaxVars" && n.name.find("/weights_quant/") != std::string::npos) {
      fq.push_back(n.name);
      weights.push_back(n.data_input(0).node);
    }
  }
  ASSERT_EQ(fq.size(), 53u);
  std::vector<std::string> outs = fq;
  outs.insert(outs.end(), weights.begin(), weights.end());
  auto session = Session::create(g, outs);
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto out = (*session)->run({});
  ASSERT_TRUE(out.ok()) << out.status().message();
  for (size_t k = 0; k < fq.size(); ++k) {
    const Tensor& q = (*out)[k];
    const Tensor& w = (*out)[k + fq.size()];
    ASSERT_EQ(q.shape(), w.shape());
    float amax = 0, worst = 0;
    for (int64_t i = 0; i < w.num_elements(); ++i) {
      amax = std::max(amax, std::fabs(w.data<float>()[i]));
      worst = std::max(worst, std::fabs(q.data<float>()[i] - w.data<float>()[i]));
    }
    // One float rounding of a value of size amax; a step off the grid would be amax/128 or more.
    EXPECT_LE(worst, amax * 1e-6f) << fq[k];
  }
}

TEST(RuntimeModels, QatGraphRunsAndAgreesWithFloatOnTop1) {
  graph::Graph qat = load("models/mobilenet_v2_1.0_224_quant_qat.pb");
  graph::Graph flt = load("models/mobilenet_v2_1.0_224_quant_float.pb");
  const std::string obs = "MobilenetV2/Conv/act_quant/FakeQuantWithMinMaxVars";
  SessionOptions opts;
  opts.observed_tensors = {obs};
  auto q = Session::create(qat, {"MobilenetV2/Predictions/Softmax"}, opts);
  auto f = Session::create(flt, {"MobilenetV2/Predictions/Reshape_1"});
  ASSERT_TRUE(q.ok()) << q.status().message();
  ASSERT_TRUE(f.ok());
  const Tensor x = images("models/refs/mobilenet_v2_1.0_224_quant/inputs_8.bin");
  bool observed = false;
  auto qo = (*q)->run({{"input", x}}, [&](const std::string& name, const Tensor& t) {
    observed = true;
    EXPECT_EQ(name, obs);
    // Relu6 output quantized on [0, 5.99976] with 256 levels: every value is k * scale.
    const float scale = 5.99976f / 255.0f;
    for (int64_t i = 0; i < t.num_elements(); i += 97) {
      const float k = t.data<float>()[i] / scale;
      ASSERT_NEAR(k, std::round(k), 2e-3f);
      ASSERT_GE(t.data<float>()[i], 0.0f);
    }
  });
  ASSERT_TRUE(qo.ok()) << qo.status().message();
  EXPECT_TRUE(observed);
  auto fo = (*f)->run({{"input", x}});
  ASSERT_TRUE(fo.ok());
  int agree = 0;
  for (int i = 0; i < 8; ++i) {
    const float* a = (*qo)[0].data<float>() + i * 1001;
    const float* b = (*fo)[0].data<float>() + i * 1001;
    agree += std::max_element(a, a + 1001) - a == std::max_element(b, b + 1001) - b;
  }
  // The QAT model agrees with the float one on ~98.7% of 1300 images.
  EXPECT_GE(agree, 7);
}

struct FrozenCase {
  const char* path;
  std::vector<std::string> inputs;  // cut points (non-Placeholder feeds)
  const char* feed;
  graph::Shape shape;
  const char* output;
  int64_t classes;
};

TEST(RuntimeModels, EveryTfFrozenGraphLoadsAndRuns) {
  const FrozenCase cases[] = {
      {"tf_frozen/mnist_softmax/mnist.pb", {}, "input", {1, 784}, "softmax", 10},
      {"tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb", {}, "input_image", {2, 224, 224, 3},
       "MobilenetV1/Predictions/Softmax", 10},
      {"tf_frozen/kws_ds_cnn/DS_CNN_S.pb", {"Reshape_1"}, "Reshape_1", {1, 49, 10, 1}, "labels_softmax", 12},
      {"tf_frozen/kws_ds_cnn/DS_CNN_M.pb", {"Reshape_1"}, "Reshape_1", {3, 49, 10, 1}, "labels_softmax", 12},
      {"tf_frozen/kws_ds_cnn/DS_CNN_L.pb", {"Reshape_1"}, "Reshape_1", {1, 49, 10, 1}, "labels_softmax", 12},
  };
  std::mt19937 rng(7);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    graph::Graph g = load(c.path);
    Tensor x(graph::DataType::kFloat, c.shape);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = dist(rng);
    std::vector<Tensor> results;
    for (bool reference : {false, true}) {
      SessionOptions opts;
      opts.inputs = c.inputs;
      opts.reference_kernels = reference;
      auto session = Session::create(g, {c.output}, opts);
      ASSERT_TRUE(session.ok()) << session.status().message();
      auto out = (*session)->run({{c.feed, x}});
      ASSERT_TRUE(out.ok()) << out.status().message();
      const Tensor& p = (*out)[0];
      ASSERT_EQ(p.shape(), (graph::Shape{c.shape[0], c.classes}));
      for (int64_t r = 0; r < c.shape[0]; ++r) {
        double sum = 0;
        for (int64_t j = 0; j < c.classes; ++j) sum += p.data<float>()[r * c.classes + j];
        EXPECT_NEAR(sum, 1.0, 1e-4);
      }
      results.push_back(p);
    }
    EXPECT_LE(worst_error(results[0].data<float>(), results[1].data<float>(), results[0].num_elements()), 1e-4f);
  }
}

// After the import pipeline and BatchNorm folding (what amct's workflows feed
// the runtime), every tf_frozen graph gives what the raw graph gives.
TEST(RuntimeModels, ImportPipelineAndBatchNormFoldingKeepOutputs) {
  const FrozenCase cases[] = {
      {"tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb", {}, "input_image", {2, 224, 224, 3},
       "MobilenetV1/Predictions/Softmax", 10},
      {"tf_frozen/kws_ds_cnn/DS_CNN_L.pb", {"Reshape_1"}, "Reshape_1", {3, 49, 10, 1}, "labels_softmax", 12},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    graph::Graph raw = load(c.path);
    graph::Graph folded = raw;
    ASSERT_TRUE(graph::run_import_pipeline(folded, {c.output}).is_ok());
    auto bn = graph::fold_batch_norm(folded, {});
    ASSERT_TRUE(bn.ok()) << bn.status().message();
    EXPECT_FALSE(bn->empty());
    const Tensor x = [&] {
      Tensor t(graph::DataType::kFloat, c.shape);
      std::mt19937 rng(3);
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = dist(rng);
      return t;
    }();
    std::vector<Tensor> results;
    for (const graph::Graph* g : {&raw, &folded}) {
      SessionOptions opts;
      opts.inputs = c.inputs;
      auto session = Session::create(*g, {c.output}, opts);
      ASSERT_TRUE(session.ok()) << session.status().message();
      auto out = (*session)->run({{c.feed, x}});
      ASSERT_TRUE(out.ok()) << out.status().message();
      results.push_back((*out)[0]);
    }
    EXPECT_LE(worst_error(results[1].data<float>(), results[0].data<float>(), results[0].num_elements()), 1e-4f);
  }
}

}  // namespace
}  // namespace amct::runtime
