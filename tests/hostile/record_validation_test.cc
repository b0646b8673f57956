// convert_model's record validation (issue 4, SPEC B 3.2) on a small graph that
// has each quantizable kind: Conv2D + FusedBatchNorm (folded first), a
// depthwise conv with channel multiplier 2, AvgPool and MatMul. Every mismatch
// between record and graph must fail, naming the record file and the key;
// a record that matches converts (so the failures are for the stated reason).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/atomic_write.h"
#include "formats/tf/proto/graph.pb.h"
#include "test_util.h"
#include "workflows/save_model.h"

namespace amct {
namespace {

// TF DataType enum values (types.proto).
constexpr int kFloat32 = 1;
constexpr int kInt32 = 3;

tfproto::NodeDef* node(tfproto::GraphDef* gd, const std::string& name, const std::string& op,
                       std::vector<std::string> inputs = {}) {
  auto* n = gd->add_node();
  n->set_name(name);
  n->set_op(op);
  for (auto& in : inputs) n->add_input(in);
  if (op != "Const" && op != "Placeholder") (*n->mutable_attr())["T"].set_type(kFloat32);
  return n;
}

void ints(tfproto::NodeDef* n, const std::string& attr, std::vector<int64_t> v) {
  auto* l = (*n->mutable_attr())[attr].mutable_list();
  for (int64_t x : v) l->add_i(x);
}

void constant(tfproto::GraphDef* gd, const std::string& name, std::vector<int64_t> dims, float base) {
  auto* n = node(gd, name, "Const");
  (*n->mutable_attr())["dtype"].set_type(kFloat32);
  auto* t = (*n->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(kFloat32);
  int64_t count = 1;
  for (int64_t d : dims) {
    t->mutable_tensor_shape()->add_dim()->set_size(d);
    count *= d;
  }
  std::vector<float> v(static_cast<size_t>(count));
  for (size_t i = 0; i < v.size(); ++i) v[i] = base + 0.01f * static_cast<float>((i * 37) % 23) - 0.1f;
  t->set_tensor_content(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

void conv_attrs(tfproto::NodeDef* n, const std::string& padding) {
  ints(n, "strides", {1, 1, 1, 1});
  ints(n, "dilations", {1, 1, 1, 1});
  (*n->mutable_attr())["padding"].set_s(padding);
  (*n->mutable_attr())["data_format"].set_s("NHWC");
}

// input [?,8,8,3] -> conv (4 ch) -> FusedBatchNormV3 -> Relu -> depthwise x2 (8 ch)
// -> BiasAdd -> AvgPool 2x2 -> Reshape [-1,128] -> MatMul (5) -> Softmax "out".
tfproto::GraphDef small_model() {
  tfproto::GraphDef gd;
  auto* in = node(&gd, "input", "Placeholder");
  (*in->mutable_attr())["dtype"].set_type(kFloat32);
  for (int64_t d : {-1, 8, 8, 3}) (*in->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(d);
  constant(&gd, "conv/weights", {3, 3, 3, 4}, 0.1f);
  conv_attrs(node(&gd, "conv/Conv2D", "Conv2D", {"input", "conv/weights"}), "SAME");
  constant(&gd, "bn/gamma", {4}, 1.0f);
  constant(&gd, "bn/beta", {4}, 0.0f);
  constant(&gd, "bn/mean", {4}, 0.05f);
  constant(&gd, "bn/variance", {4}, 0.5f);
  auto* bn = node(&gd, "bn/FusedBatchNormV3", "FusedBatchNormV3",
                  {"conv/Conv2D", "bn/gamma", "bn/beta", "bn/mean", "bn/variance"});
  (*bn->mutable_attr())["U"].set_type(kFloat32);
  (*bn->mutable_attr())["epsilon"].set_f(0.001f);
  (*bn->mutable_attr())["is_training"].set_b(false);
  (*bn->mutable_attr())["data_format"].set_s("NHWC");
  node(&gd, "relu", "Relu", {"bn/FusedBatchNormV3"});
  constant(&gd, "dw/depthwise_weights", {3, 3, 4, 2}, 0.2f);
  conv_attrs(node(&gd, "dw/depthwise", "DepthwiseConv2dNative", {"relu", "dw/depthwise_weights"}), "SAME");
  constant(&gd, "dw/biases", {8}, 0.0f);
  auto* ba = node(&gd, "dw/BiasAdd", "BiasAdd", {"dw/depthwise", "dw/biases"});
  (*ba->mutable_attr())["data_format"].set_s("NHWC");
  auto* pool = node(&gd, "pool", "AvgPool", {"dw/BiasAdd"});
  ints(pool, "ksize", {1, 2, 2, 1});
  ints(pool, "strides", {1, 2, 2, 1});
  (*pool->mutable_attr())["padding"].set_s("VALID");
  (*pool->mutable_attr())["data_format"].set_s("NHWC");
  auto* shape = node(&gd, "flat/shape", "Const");
  (*shape->mutable_attr())["dtype"].set_type(kInt32);
  auto* st = (*shape->mutable_attr())["value"].mutable_tensor();
  st->set_dtype(kInt32);
  st->mutable_tensor_shape()->add_dim()->set_size(2);
  st->add_int_val(-1);
  st->add_int_val(128);
  auto* flat = node(&gd, "flat", "Reshape", {"pool", "flat/shape"});
  (*flat->mutable_attr())["Tshape"].set_type(kInt32);
  constant(&gd, "fc/weights", {128, 5}, 0.0f);
  auto* mm = node(&gd, "fc/MatMul", "MatMul", {"flat", "fc/weights"});
  (*mm->mutable_attr())["transpose_a"].set_b(false);
  (*mm->mutable_attr())["transpose_b"].set_b(false);
  node(&gd, "out", "Softmax", {"fc/MatMul"});
  return gd;
}

std::string scales(const std::string& field, int n, const std::string& value) {
  std::string s;
  for (int i = 0; i < n; ++i) s += " " + field + ": " + value;
  return s;
}

std::string entry(const std::string& key, const std::string& value) {
  return "record {\n  key: \"" + key + "\"\n  value {" + value + " }\n}\n";
}

const std::string kConv = entry("conv/Conv2D", " scale_d: 0.0078125 offset_d: 0" + scales("scale_w", 4, "0.01") +
                                                   scales("offset_w", 4, "0"));
const std::string kDw = entry("dw/depthwise", " scale_d: 0.02 offset_d: -128" + scales("scale_w", 8, "0.02") +
                                                  scales("offset_w", 8, "0"));
const std::string kPool = entry("pool", " scale_d: 0.03 offset_d: 3");
const std::string kFc = entry("fc/MatMul", " scale_d: 0.05 offset_d: -10 scale_w: 0.004 offset_w: 0");

class RecordValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("record_validation");
    model_ = dir_ + "/small.pb";
    ASSERT_TRUE(write_file_atomic(model_, small_model().SerializeAsString()).is_ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Expected<workflows::SaveResult> convert(const std::string& record_text) {
    const std::string rec = dir_ + "/record" + std::to_string(++n_) + ".txt";
    EXPECT_TRUE(write_file_atomic(rec, record_text).is_ok());
    last_record_ = rec;
    return workflows::convert_model(model_, {"out"}, rec, dir_ + "/q" + std::to_string(n_) + "/m");
  }
  // Fails, naming the record file, the key and the reason; writes no model.
  void expect_rejected(const std::string& record_text, const std::string& key, const std::string& reason) {
    auto r = convert(record_text);
    ASSERT_FALSE(r.ok()) << record_text;
    const std::string& msg = r.status().message();
    EXPECT_NE(msg.find(last_record_), std::string::npos) << msg;
    EXPECT_NE(msg.find("record '" + key + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(reason), std::string::npos) << "want '" << reason << "' in: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/q" + std::to_string(n_) + "/m_quantized.pb"));
  }

  std::string dir_, model_, last_record_;
  int n_ = 0;
};

TEST_F(RecordValidation, MatchingRecordConvertsAllFourLayers) {
  auto r = convert(kConv + kDw + kPool + kFc);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(std::filesystem::exists(r->model_path));
}

TEST_F(RecordValidation, KeysThatAreNotQuantizableLayers) {
  expect_rejected(kConv + entry("no/such/node", " scale_d: 0.1 offset_d: 0"), "no/such/node", "no node of that name");
  expect_rejected(entry("relu", " scale_d: 0.1 offset_d: 0") + kConv, "relu", "Relu, which amct does not quantize");
  expect_rejected(entry("out", " scale_d: 0.1 offset_d: 0"), "out", "Softmax");
  expect_rejected(entry("flat", " scale_d: 0.1 offset_d: 0"), "flat", "Reshape");
  expect_rejected(entry("fc/weights", " scale_d: 0.1 offset_d: 0 scale_w: 0.1 offset_w: 0"), "fc/weights",
                  "Const, which amct does not quantize");
}

TEST_F(RecordValidation, ScaleCountsNotMatchingChannels) {
  expect_rejected(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0" + scales("scale_w", 3, "0.01") +
                                           scales("offset_w", 3, "0")),
                  "conv/Conv2D", "3 scale_w values but the layer has 4 output channels");
  // Depthwise with channel multiplier 2: 4 input channels x 2 = 8 scales, not 4.
  expect_rejected(entry("dw/depthwise", " scale_d: 0.1 offset_d: 0" + scales("scale_w", 4, "0.01") +
                                            scales("offset_w", 4, "0")),
                  "dw/depthwise", "4 scale_w values but the layer has 8 output channels");
  expect_rejected(entry("fc/MatMul", " scale_d: 0.1 offset_d: 0" + scales("scale_w", 5, "0.01") +
                                         scales("offset_w", 5, "0")),
                  "fc/MatMul", "supports one (per-tensor) scale_w, the record has 5");
  expect_rejected(entry("pool", " scale_d: 0.1 offset_d: 0 scale_w: 0.5 offset_w: 0"), "pool",
                  "AvgPool has no weights but the record has 1 scale_w");
  expect_rejected(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0"), "conv/Conv2D", "missing scale_w");
  expect_rejected(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0" + scales("scale_w", 4, "0.01") +
                                           scales("offset_w", 3, "0")),
                  "conv/Conv2D", "offset_w has 3 values, scale_w has 4");
}

TEST_F(RecordValidation, NonPositiveAndNonFiniteScales) {
  for (const char* bad : {"0", "-0.5", "nan", "inf", "-inf"}) {
    expect_rejected(entry("pool", std::string(" scale_d: ") + bad + " offset_d: 0"), "pool", "scale_d");
    expect_rejected(entry("fc/MatMul", std::string(" scale_d: 0.1 offset_d: 0 scale_w: ") + bad + " offset_w: 0"),
                    "fc/MatMul", "scale_w[0]");
  }
  // The third of four channel scales.
  expect_rejected(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0 scale_w: 0.1 scale_w: 0.1 scale_w: 0 "
                                       "scale_w: 0.1" + scales("offset_w", 4, "0")),
                  "conv/Conv2D", "scale_w[2] 0 must be finite and > 0");
}

TEST_F(RecordValidation, OffsetsOutOfRange) {
  expect_rejected(entry("pool", " scale_d: 0.1 offset_d: 128"), "pool", "offset_d 128 is outside [-128, 127]");
  expect_rejected(entry("pool", " scale_d: 0.1 offset_d: -129"), "pool", "offset_d -129 is outside [-128, 127]");
  expect_rejected(entry("fc/MatMul", " scale_d: 0.1 offset_d: 0 scale_w: 0.1 offset_w: 1"), "fc/MatMul",
                  "offset_w[0] is 1, must be 0");
}

TEST_F(RecordValidation, BatchNormFusionAssumptions) {
  // Record keys are conv names; the BatchNorm is folded into the conv before
  // the record is applied, so a key naming the BN (now the conv's BiasAdd) or
  // one of its parameters is not a layer.
  expect_rejected(kConv + entry("bn/FusedBatchNormV3", " scale_d: 0.1 offset_d: 0"), "bn/FusedBatchNormV3",
                  "BiasAdd, which amct does not quantize");
  expect_rejected(entry("bn/gamma", " scale_d: 0.1 offset_d: 0"), "bn/gamma", "no node of that name");
  // The conv's weights are replaced by folded ones (conv/weights_folded).
  expect_rejected(entry("conv/weights", " scale_d: 0.1 offset_d: 0 scale_w: 0.1 offset_w: 0"), "conv/weights",
                  "no node of that name");
  // skip_fusion keeps the BN out of the conv: the conv (4 channels) is still
  // the layer, and its scale count is still checked.
  auto ok = convert(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0 skip_fusion: true" + scales("scale_w", 4, "0.01") +
                                             scales("offset_w", 4, "0")));
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  expect_rejected(entry("conv/Conv2D", " scale_d: 0.1 offset_d: 0 skip_fusion: true" + scales("scale_w", 2, "0.01") +
                                           scales("offset_w", 2, "0")),
                  "conv/Conv2D", "2 scale_w values but the layer has 4 output channels");
}

}  // namespace
}  // namespace amct
