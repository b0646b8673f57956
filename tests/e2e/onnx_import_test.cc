// ONNX import on the real models: MobileNetV2's ONNX twin through amct's
// runtime gives the .pb's logits (ONNX Runtime's references) and the .pb's
// top-1 on real images; the PyTorch MNIST CNN (NCHW) reads real digits; the
// QOperator INT8 model is refused with a clear error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/atomic_write.h"
#include "data/dataset.h"
#include "data/image.h"
#include "formats/onnx/onnx_reader.h"
#include "graph/passes/pipeline.h"
#include "runtime/session.h"
#include "test_util.h"
#include "workflows/model_loader.h"

namespace amct {
namespace {

using amct::testing::asset;
using amct::testing::read_floats;
using graph::Tensor;

constexpr const char* kOnnx = "models/mobilenet_v2_1.0_224_quant_float.onnx";
constexpr const char* kPb = "models/mobilenet_v2_1.0_224_quant_float.pb";
constexpr const char* kLogits = "MobilenetV2/Logits/Squeeze";
constexpr const char* kProbs = "MobilenetV2/Predictions/Reshape_1";
constexpr float kLogitTol = 1e-4f;  // as tests/e2e/runtime_models_test.cc

float worst_error(const float* a, const float* b, int64_t n) {
  float worst = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float d = std::fabs(a[i] - b[i]);
    worst = std::max(worst, std::min(d, std::fabs(b[i]) > 0 ? d / std::fabs(b[i]) : d));
  }
  return worst;
}

int count_op(const graph::Graph& g, const std::string& op) {
  int n = 0;
  for (size_t i = 0; i < g.size(); ++i) n += g.node(i).op == op;
  return n;
}

std::vector<int64_t> top1(const Tensor& t) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < t.dim(0); ++i) {
    const float* row = t.data<float>() + i * t.dim(1);
    out.push_back(std::max_element(row, row + t.dim(1)) - row);
  }
  return out;
}

TEST(OnnxImport, MobileNetV2TwinLoadsAsNhwcGraph) {
  auto m = workflows::load_model(asset(kOnnx), {});
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->input_name, "input");
  EXPECT_EQ(m->height, 224);
  EXPECT_EQ(m->width, 224);
  EXPECT_EQ(m->outputs, std::vector<std::string>{kProbs});
  EXPECT_EQ(count_op(m->graph, "Transpose"), 0);
  EXPECT_EQ(count_op(m->graph, "Conv2D"), 36);
  EXPECT_EQ(count_op(m->graph, "DepthwiseConv2dNative"), 17);
  EXPECT_EQ(count_op(m->graph, "Relu6"), 35);
  // Layer names as in the .pb: the Conv node's name, the BiasAdd the output's.
  ASSERT_NE(m->graph.find("MobilenetV2/Conv/Conv2D"), nullptr);
  EXPECT_EQ(m->graph.find("MobilenetV2/expanded_conv/depthwise/depthwise")->op, "DepthwiseConv2dNative");
  EXPECT_EQ(m->graph.find("MobilenetV2/Conv/BiasAdd")->op, "BiasAdd");
  EXPECT_EQ(m->graph.find("MobilenetV2/Conv/Conv2D")->attr_string_or("padding", ""), "SAME");
}

TEST(OnnxImport, MobileNetV2TwinLogitsMatchReferences) {
  auto m = workflows::load_model(asset(kOnnx), {});
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto session = runtime::Session::create(m->graph, {kLogits, kProbs});
  ASSERT_TRUE(session.ok()) << session.status().message();
  const std::vector<float> in = read_floats(asset("models/refs/mobilenet_v2_1.0_224_quant/inputs_8.bin"));
  ASSERT_EQ(in.size(), 8u * 224 * 224 * 3);
  Tensor x(graph::DataType::kFloat, {8, 224, 224, 3});
  std::copy(in.begin(), in.end(), x.data<float>());
  auto out = (*session)->run({{"input", x}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ((*out)[0].shape(), (graph::Shape{8, 1001}));
  const auto logits = read_floats(asset("models/refs/mobilenet_v2_1.0_224_quant/logits_8.bin"));
  const auto probs = read_floats(asset("models/refs/mobilenet_v2_1.0_224_quant/probs_8.bin"));
  EXPECT_LE(worst_error((*out)[0].data<float>(), logits.data(), 8 * 1001), kLogitTol);
  EXPECT_LE(worst_error((*out)[1].data<float>(), probs.data(), 8 * 1001), kLogitTol);
}

TEST(OnnxImport, MobileNetV2TwinTop1EqualsPbOnRealImages) {
  auto onnx = workflows::load_model(asset(kOnnx), {kLogits});
  auto pb = workflows::load_model(asset(kPb), {kLogits});
  ASSERT_TRUE(onnx.ok()) << onnx.status().message();
  ASSERT_TRUE(pb.ok()) << pb.status().message();
  auto so = runtime::Session::create(onnx->graph, {kLogits});
  auto sp = runtime::Session::create(pb->graph, {kLogits});
  ASSERT_TRUE(so.ok() && sp.ok());
  auto ds = data::open_dataset(asset("imagenet_val_1300"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  int same = 0, correct_onnx = 0, correct_pb = 0;
  for (size_t begin = 0; begin < 100; begin += 25) {
    std::vector<int64_t> labels;
    auto batch = data::load_batch(**ds, begin, 25, data::Preprocess::kSlim, 224, 224, &labels);
    ASSERT_TRUE(batch.ok()) << batch.status().message();
    auto a = (*so)->run({{"input", *batch}});
    auto b = (*sp)->run({{"input", *batch}});
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_LE(worst_error((*a)[0].data<float>(), (*b)[0].data<float>(), 25 * 1001), kLogitTol);
    const auto ta = top1((*a)[0]), tb = top1((*b)[0]);
    for (size_t i = 0; i < ta.size(); ++i) {
      same += ta[i] == tb[i];
      correct_onnx += ta[i] == labels[i];
      correct_pb += tb[i] == labels[i];
    }
  }
  EXPECT_EQ(same, 100);
  EXPECT_EQ(correct_onnx, correct_pb);
  EXPECT_GE(correct_onnx, 70);  // ~79.5 % top-1 on the 1300 images
}

// MNIST digit (28x28 gray, white stroke on black) as [1, 28, 28, 1] in [0, 1].
Tensor digit(const std::vector<uint8_t>& gray, bool invert) {
  Tensor t(graph::DataType::kFloat, {1, 28, 28, 1});
  for (size_t i = 0; i < 784; ++i)
    t.data<float>()[i] = static_cast<float>(invert ? 255 - gray[i] : gray[i]) / 255.0f;
  return t;
}

TEST(OnnxImport, MnistCnnNchwModelReadsDigits) {
  auto g = onnx_import::read_onnx(asset("onnx/mnist_cnn/mnist-8.onnx"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"output"}).is_ok());
  EXPECT_EQ(count_op(*g, "Transpose"), 0);  // the flatten went into fc1's weights
  const graph::Node* in = g->find("input");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->attr("shape")->shape.dims, (graph::Shape{-1, 28, 28, 1}));  // NCHW input fed NHWC
  auto session = runtime::Session::create(*g, {"output"});
  ASSERT_TRUE(session.ok()) << session.status().message();

  // 1.pgm and 9.pgm are dark strokes on white (binary PGM, 28x28): inverted.
  for (auto [file, want] : {std::pair<const char*, int64_t>{"mnist/1.pgm", 1}, {"mnist/9.pgm", 9}}) {
    auto bytes = read_file(asset(file));
    ASSERT_TRUE(bytes.ok());
    ASSERT_GE(bytes->size(), 784u);
    std::vector<uint8_t> px(bytes->end() - 784, bytes->end());
    auto out = (*session)->run({{"input", digit(px, true)}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(top1((*out)[0])[0], want) << file;
  }
  auto png = data::load_image(asset("mnist/9.png"));
  ASSERT_TRUE(png.ok()) << png.status().message();
  ASSERT_EQ(png->height * png->width, 784);
  std::vector<uint8_t> px(784);
  for (size_t i = 0; i < 784; ++i) px[i] = png->pixels[i * static_cast<size_t>(png->channels)];
  const bool dark_on_white = std::accumulate(px.begin(), px.end(), 0) / 784 > 128;
  auto out = (*session)->run({{"input", digit(px, dark_on_white)}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(top1((*out)[0])[0], 9);
}

TEST(OnnxImport, QOperatorInt8ModelIsRefusedCleanly) {
  const std::string path = asset("onnx/mobilenet_v2_int8_qoperator/mobilenet_v2_quant.onnx");
  auto m = workflows::load_model(path, {});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message().rfind(path + ": node '", 0), 0u) << m.status().message();
  EXPECT_NE(m.status().message().find("): op not supported"), std::string::npos) << m.status().message();
}

}  // namespace
}  // namespace amct
