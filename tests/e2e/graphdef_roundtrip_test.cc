// Every real GraphDef under ../shared/assets reads, validates, round-trips to
// an equal graph with byte-identical re-writes, and goes through the import
// pipeline (and BatchNorm folding) with its real output names.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "core/atomic_write.h"
#include "formats/tf/graphdef_reader.h"
#include "formats/tf/graphdef_writer.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/pipeline.h"
#include "graph/validate.h"
#include "test_util.h"

namespace amct {
namespace {

using graph::Graph;

// First difference between two graphs, or "" when equal.
std::string diff(const Graph& a, const Graph& b) {
  if (a.size() != b.size()) return fmt::format("{} vs {} nodes", a.size(), b.size());
  if (a.producer_version != b.producer_version || a.min_consumer_version != b.min_consumer_version ||
      a.versions_bytes != b.versions_bytes || a.library_bytes != b.library_bytes)
    return "versions or library differ";
  for (size_t i = 0; i < a.size(); ++i) {
    const auto& x = a.node(i);
    const auto& y = b.node(i);
    if (x.name != y.name || x.op != y.op || x.device != y.device || x.inputs != y.inputs)
      return "node " + x.name + " differs in name/op/device/inputs";
    if (x.attrs.size() != y.attrs.size()) return "node " + x.name + " has a different attribute count";
    for (const auto& [k, v] : x.attrs) {
      const auto* w = y.attr(k);
      if (w == nullptr || !v.equals(*w)) return "node " + x.name + " attribute " + k + " differs";
    }
  }
  return "";
}

struct Model {
  std::string path;  // relative to the assets dir
  std::string output;
};

const std::vector<Model>& models() {
  static const std::vector<Model> kModels = {
      {"models/mobilenet_v2_1.0_224_quant_float.pb", "MobilenetV2/Predictions/Reshape_1"},
      {"models/mobilenet_v2_1.0_224_quant_qat.pb", "MobilenetV2/Predictions/Softmax"},
      {"models/tf2_mobilenet_v2_1.0_224_ptq_float.pb", "Identity"},
      {"float_models/mobilenet_v1_0.25_224_float.pb", "MobilenetV1/Predictions/Reshape_1"},
      {"tf_frozen/kws_ds_cnn/DS_CNN_S.pb", "labels_softmax"},
      {"tf_frozen/kws_ds_cnn/DS_CNN_M.pb", "labels_softmax"},
      {"tf_frozen/kws_ds_cnn/DS_CNN_L.pb", "labels_softmax:0"},
      {"tf_frozen/mnist_softmax/mnist.pb", "softmax"},
      {"tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb", "MobilenetV1/Predictions/Softmax"},
  };
  return kModels;
}

size_t count_op(const Graph& g, const std::string& op) {
  size_t c = 0;
  for (size_t i = 0; i < g.size(); ++i) c += g.node(i).op == op;
  return c;
}

TEST(GraphDefRoundTrip, EveryAssetModelIsListed) {
  // New .pb assets must be added to models() so they get the checks below.
  std::set<std::string> listed;
  for (const auto& m : models()) listed.insert(m.path);
  for (const char* dir : {"models", "float_models", "tf_frozen"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(testing::asset(dir))) {
      if (e.path().extension() != ".pb") continue;
      const std::string rel = std::filesystem::relative(e.path(), testing::assets_dir()).string();
      EXPECT_TRUE(listed.count(rel)) << rel;
    }
  }
}

TEST(GraphDefRoundTrip, ReadWriteReadIsEqualAndStable) {
  for (const auto& m : models()) {
    SCOPED_TRACE(m.path);
    auto g = tf::read_graphdef(testing::asset(m.path));
    ASSERT_TRUE(g.ok()) << g.status().message();
    EXPECT_TRUE(graph::validate(*g).is_ok());
    auto bytes1 = tf::serialize_graphdef(*g);
    ASSERT_TRUE(bytes1.ok()) << bytes1.status().message();
    auto g2 = tf::parse_graphdef(*bytes1, "rewritten");
    ASSERT_TRUE(g2.ok()) << g2.status().message();
    EXPECT_EQ(diff(*g, *g2), "");
    auto bytes2 = tf::serialize_graphdef(*g2);
    ASSERT_TRUE(bytes2.ok());
    EXPECT_TRUE(*bytes1 == *bytes2) << "second write differs";

    // Through a file, atomically written.
    const std::string dir = testing::make_temp_dir("roundtrip");
    const std::string out = dir + "/model.pb";
    ASSERT_TRUE(tf::write_graphdef(out, *g2).is_ok());
    auto on_disk = read_file(out);
    ASSERT_TRUE(on_disk.ok());
    EXPECT_TRUE(*on_disk == *bytes1);
    std::filesystem::remove_all(dir);
  }
}

TEST(GraphDefRoundTrip, ImportPipelineWithRealOutputs) {
  for (const auto& m : models()) {
    SCOPED_TRACE(m.path);
    auto g = tf::read_graphdef(testing::asset(m.path));
    ASSERT_TRUE(g.ok()) << g.status().message();
    const size_t before = g->size();
    Status st = graph::run_import_pipeline(*g, {m.output});
    ASSERT_TRUE(st.is_ok()) << st.message();
    EXPECT_TRUE(graph::validate(*g).is_ok());
    EXPECT_LE(g->size(), before);
    const std::string out_node = m.output.substr(0, m.output.find(':'));
    ASSERT_NE(g->find(out_node), nullptr);
    // Only a requested output may still be an Identity.
    for (size_t i = 0; i < g->size(); ++i) {
      if (g->node(i).op == "Identity") {
        EXPECT_EQ(g->node(i).name, out_node);
      }
    }
    // The result still serializes and reads back.
    auto bytes = tf::serialize_graphdef(*g);
    ASSERT_TRUE(bytes.ok());
    EXPECT_TRUE(tf::parse_graphdef(*bytes, "pipelined").ok());
  }
}

TEST(GraphDefRoundTrip, MobileNetV2KeepsEveryNodeButNothingChanges) {
  auto g = tf::read_graphdef(testing::asset("models/mobilenet_v2_1.0_224_quant_float.pb"));
  ASSERT_TRUE(g.ok());
  const Graph original = *g;
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"MobilenetV2/Predictions/Reshape_1"}).is_ok());
  // Already frozen, folded and sorted: the pipeline is the identity here.
  EXPECT_EQ(diff(original, *g), "");
  EXPECT_EQ(g->size(), 265u);
  EXPECT_EQ(g->producer_version, 175);
  auto folded = graph::fold_batch_norm(*g, {});
  ASSERT_TRUE(folded.ok());
  EXPECT_TRUE(folded->empty());
}

// DS-CNN: Conv -> BiasAdd -> FusedBatchNorm (unfused, Identity /read inputs).
TEST(GraphDefRoundTrip, DsCnnBatchNormFoldsNumerically) {
  auto g = tf::read_graphdef(testing::asset("tf_frozen/kws_ds_cnn/DS_CNN_S.pb"));
  ASSERT_TRUE(g.ok());
  const Graph original = *g;
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"labels_softmax"}).is_ok());
  EXPECT_EQ(count_op(*g, "FusedBatchNorm"), 9u);
  auto folded = graph::fold_batch_norm(*g, {});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->size(), 9u);
  EXPECT_EQ(count_op(*g, "FusedBatchNorm"), 0u);
  EXPECT_EQ(count_op(*g, "BiasAdd"), 10u);  // 9 folded + the fc layer's
  EXPECT_TRUE(graph::validate(*g).is_ok());

  auto value = [](const Graph& gr, const std::string& name) {
    return gr.find(name)->attr_tensor("value").value();
  };
  const std::string bn = "MobileNet/conv_1/batch_norm/FusedBatchNorm";
  const auto& f = folded->front();
  EXPECT_EQ(f.conv, "MobileNet/conv_1/Conv2D");
  EXPECT_EQ(f.bias_add, bn);
  const auto* bias_add = g->find(bn);
  ASSERT_NE(bias_add, nullptr);
  EXPECT_EQ(bias_add->op, "BiasAdd");
  EXPECT_EQ(bias_add->inputs[0], "MobileNet/conv_1/Conv2D");
  EXPECT_EQ(g->find("MobileNet/conv_1/BiasAdd"), nullptr);

  const auto w = value(original, "MobileNet/conv_1/weights");
  const auto b = value(original, "MobileNet/conv_1/biases");
  const auto gamma = value(original, "MobileNet/conv_1/batch_norm/Const");
  const auto beta = value(original, "MobileNet/conv_1/batch_norm/beta");
  const auto mean = value(original, "MobileNet/conv_1/batch_norm/moving_mean");
  const auto var = value(original, "MobileNet/conv_1/batch_norm/moving_variance");
  const float eps = original.find(bn)->attr_float("epsilon").value();
  const auto wf = value(*g, g->find("MobileNet/conv_1/Conv2D")->inputs[1]);
  const auto bf = value(*g, bias_add->inputs[1]);
  ASSERT_EQ(wf.shape(), w.shape());
  const int64_t c = w.dim(3);
  for (int64_t e = 0; e < w.num_elements(); ++e) {
    const int64_t ch = e % c;
    const double inv = gamma.data<float>()[ch] / std::sqrt(double(var.data<float>()[ch]) + eps);
    EXPECT_NEAR(wf.data<float>()[e], w.data<float>()[e] * inv, 1e-6 * (1 + std::fabs(w.data<float>()[e] * inv)));
  }
  for (int64_t ch = 0; ch < c; ++ch) {
    const double inv = gamma.data<float>()[ch] / std::sqrt(double(var.data<float>()[ch]) + eps);
    const double want = (b.data<float>()[ch] - mean.data<float>()[ch]) * inv + beta.data<float>()[ch];
    EXPECT_NEAR(bf.data<float>()[ch], want, 1e-5 * (1 + std::fabs(want)));
  }
}

// Poets lock MobileNetV1: BN written as Sub/Rsqrt/Mul/Add -> Conv -> Mul -> Add.
TEST(GraphDefRoundTrip, PoetsBatchNormFoldsAfterConstantFolding) {
  auto g = tf::read_graphdef(testing::asset("tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb"));
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"MobilenetV1/Predictions/Softmax"}).is_ok());
  EXPECT_EQ(count_op(*g, "Rsqrt"), 0u);
  EXPECT_EQ(count_op(*g, "Mul"), 13u);
  EXPECT_EQ(count_op(*g, "Add"), 13u);
  auto folded = graph::fold_batch_norm(*g, {});
  ASSERT_TRUE(folded.ok()) << folded.status().message();
  EXPECT_EQ(folded->size(), 13u);
  EXPECT_EQ(count_op(*g, "Mul"), 0u);
  EXPECT_EQ(count_op(*g, "Add"), 0u);
  EXPECT_EQ(count_op(*g, "Sub"), 1u);  // the input mean subtraction stays
  EXPECT_EQ(count_op(*g, "BiasAdd"), 14u);
  EXPECT_TRUE(graph::validate(*g).is_ok());
  auto bytes = tf::serialize_graphdef(*g);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(tf::parse_graphdef(*bytes, "folded").ok());
}

TEST(GraphDefRoundTrip, SkipConvsLeavesThoseBatchNorms) {
  auto g = tf::read_graphdef(testing::asset("tf_frozen/kws_ds_cnn/DS_CNN_S.pb"));
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"labels_softmax"}).is_ok());
  graph::BatchNormFoldOptions opts;
  opts.skip_convs = {"MobileNet/conv_1/Conv2D", "MobileNet/conv_ds_1/depthwise_conv/depthwise"};
  auto folded = graph::fold_batch_norm(*g, opts);
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(folded->size(), 7u);
  EXPECT_EQ(count_op(*g, "FusedBatchNorm"), 2u);
}

}  // namespace
}  // namespace amct
