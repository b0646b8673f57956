// ONNX export checked by running the exported model in ONNX Runtime
// (bench/ort/ort_run.js, installed by scripts/setup.sh): the float
// MobileNetV2 against the ORT reference outputs, and a hand-built QDQ graph
// against a direct computation of the TF graph's arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "formats/onnx/onnx_writer.h"
#include "formats/tf/graphdef_reader.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/pipeline.h"
#include "runtime/int8/lower_quantized.h"
#include "runtime/session.h"
#include "test_util.h"

namespace amct::onnx_export {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Tensor;

const char* const kLogits = "MobilenetV2/Logits/Squeeze";
const char* const kProbs = "MobilenetV2/Predictions/Reshape_1";

std::string ort_dir() { return std::string(AMCT_SOURCE_DIR) + "/bench/ort"; }

// Fails (never skips) when the harness is missing: setup.sh installs it.
::testing::AssertionResult ort_available() {
  if (std::system("node --version > /dev/null 2>&1") != 0)
    return ::testing::AssertionFailure() << "`node` is not on PATH; run scripts/setup.sh";
  if (!std::filesystem::exists(ort_dir() + "/node_modules/onnxruntime-node/package.json"))
    return ::testing::AssertionFailure()
           << "onnxruntime-node is not installed in bench/ort; run scripts/setup.sh "
              "(or: cd bench/ort && npm ci --ignore-scripts)";
  return ::testing::AssertionSuccess();
}

void write_floats(const std::string& path, const std::vector<float>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
}

// Runs `model` on raw float32 `input` of `shape` in ORT; returns output `name` ("" = first).
std::vector<float> run_ort(const std::string& dir, const std::string& model, const std::string& input,
                           const std::string& shape, const std::string& name) {
  const std::string out = dir + "/ort_out.bin";
  const std::string log = dir + "/ort_log.txt";
  std::filesystem::remove(out);
  std::string cmd = "node '" + ort_dir() + "/ort_run.js' --model '" + model + "' --input '" + input +
                    "' --shape " + shape + " --output '" + out + "'";
  if (!name.empty()) cmd += " --output-name '" + name + "'";
  cmd += " > '" + log + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream logf(log);
  const std::string text((std::istreambuf_iterator<char>(logf)), std::istreambuf_iterator<char>());
  EXPECT_EQ(rc, 0) << cmd << "\n" << text;
  return amct::testing::read_floats(out);
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0.0f;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

TEST(OnnxExportE2E, FloatMobileNetV2MatchesOrtReference) {
  ASSERT_TRUE(ort_available());
  auto g = tf::read_graphdef(amct::testing::asset("models/mobilenet_v2_1.0_224_quant_float.pb"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const std::string dir = amct::testing::make_temp_dir("onnx_export");
  const std::string path = dir + "/mobilenet_v2.onnx";
  ExportOptions opts;
  opts.outputs = {kProbs, kLogits};
  const Status st = export_onnx(*g, path, opts);
  ASSERT_TRUE(st.is_ok()) << st.message();

  // Structure: the NHWC input, one Transpose in, 53 convs, outputs by TF name.
  auto model = build_onnx_model(*g, opts);
  ASSERT_TRUE(model.ok()) << model.status().message();
  const onnx::GraphProto& og = model->graph();
  ASSERT_EQ(og.input_size(), 1);
  EXPECT_EQ(og.input(0).name(), "input");
  ASSERT_EQ(og.output_size(), 2);
  EXPECT_EQ(og.output(0).name(), kProbs);
  EXPECT_EQ(og.output(1).name(), kLogits);
  std::map<std::string, int> ops;
  for (const auto& n : og.node()) ++ops[n.op_type()];
  EXPECT_EQ(ops["Conv"], 53);
  EXPECT_EQ(ops["Transpose"], 1);
  EXPECT_EQ(ops["Clip"], 35);
  EXPECT_EQ(ops["Add"], 10);
  EXPECT_EQ(ops["AveragePool"], 1);
  EXPECT_EQ(ops["Softmax"], 1);
  EXPECT_EQ(og.node(0).op_type(), "Transpose");

  const std::string refs = amct::testing::asset("models/refs/mobilenet_v2_1.0_224_quant");
  const auto want_logits = amct::testing::read_floats(refs + "/logits_8.bin");
  const auto want_probs = amct::testing::read_floats(refs + "/probs_8.bin");
  ASSERT_EQ(want_logits.size(), 8u * 1001);
  const std::string input = refs + "/inputs_8.bin";
  const auto probs = run_ort(dir, path, input, "8,224,224,3", "");
  const auto logits = run_ort(dir, path, input, "8,224,224,3", kLogits);
  ASSERT_EQ(probs.size(), want_probs.size());
  ASSERT_EQ(logits.size(), want_logits.size());
  EXPECT_LT(max_abs_diff(logits, want_logits), 1e-4f);
  EXPECT_LT(max_abs_diff(probs, want_probs), 1e-4f);
  std::filesystem::remove_all(dir);
}

// The other real float graphs: Keras names with Mean/Reshape/Identity (tf2),
// and the truly float MobileNetV1 0.25 (AvgPool stride 2, Squeeze).
struct FloatModel {
  const char* pb;
  const char* refs;
  const char* logits;
  const char* probs;       // the graph's final output
  const char* want_probs;  // "" when refs/ has none
};

class OnnxExportFloatModels : public ::testing::TestWithParam<FloatModel> {};

TEST_P(OnnxExportFloatModels, MatchOrtReference) {
  ASSERT_TRUE(ort_available());
  const FloatModel& fm = GetParam();
  auto g = tf::read_graphdef(amct::testing::asset(fm.pb));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const std::string dir = amct::testing::make_temp_dir("onnx_export_models");
  const std::string path = dir + "/m.onnx";
  ExportOptions opts;
  opts.outputs = {fm.probs, fm.logits};
  const Status st = export_onnx(*g, path, opts);
  ASSERT_TRUE(st.is_ok()) << st.message();
  const std::string refs = amct::testing::asset(fm.refs);
  const std::string input = refs + "/inputs_8_slim.bin";
  const auto logits = run_ort(dir, path, input, "8,224,224,3", fm.logits);
  const auto want_logits = amct::testing::read_floats(refs + "/logits_8_slim.bin");
  ASSERT_EQ(want_logits.size(), 8u * 1001);
  ASSERT_EQ(logits.size(), want_logits.size());
  EXPECT_LT(max_abs_diff(logits, want_logits), 1e-4f);
  const auto probs = run_ort(dir, path, input, "8,224,224,3", "");
  ASSERT_EQ(probs.size(), 8u * 1001);
  if (*fm.want_probs) {
    EXPECT_LT(max_abs_diff(probs, amct::testing::read_floats(refs + "/" + fm.want_probs)), 1e-4f);
  }
  for (size_t i = 0; i < 8; ++i) {  // softmax rows sum to 1 either way
    double sum = 0;
    for (size_t k = 0; k < 1001; ++k) sum += probs[i * 1001 + k];
    EXPECT_NEAR(sum, 1.0, 1e-4);
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Assets, OnnxExportFloatModels,
    ::testing::Values(FloatModel{"models/tf2_mobilenet_v2_1.0_224_ptq_float.pb", "models/refs/tf2_mobilenet_v2_1.0_224_ptq",
                                 "MobileNetV2/top/SpatialSqueeze/Reshape", "Identity", "probs_8_slim.bin"},
                      FloatModel{"float_models/mobilenet_v1_0.25_224_float.pb", "float_models/refs/mobilenet_v1_0.25_224",
                                 "MobilenetV1/Logits/SpatialSqueeze", "MobilenetV1/Predictions/Reshape_1", ""}));

// Other real TF graphs (BatchNorm written out as Sub/Rsqrt/Mul/Add and folded
// by amct's passes; MatMul + Add): ORT on the export agrees with amct's runtime.
struct OtherGraph {
  const char* pb;
  const char* input;
  const char* output;
  std::vector<int64_t> shape;  // with the batch
};

class OnnxExportOtherGraphs : public ::testing::TestWithParam<OtherGraph> {};

TEST_P(OnnxExportOtherGraphs, OrtAgreesWithAmctRuntime) {
  ASSERT_TRUE(ort_available());
  const OtherGraph& og = GetParam();
  auto g = tf::read_graphdef(amct::testing::asset(og.pb));
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_TRUE(graph::run_import_pipeline(*g, {og.output}).is_ok());
  auto folded = graph::fold_batch_norm(*g, {});
  ASSERT_TRUE(folded.ok()) << folded.status().message();

  Tensor x(DataType::kFloat, og.shape);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.data<float>()[i] = uni(rng);
  auto session = runtime::Session::create(*g, {og.output});
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto want = (*session)->run({{og.input, x}});
  ASSERT_TRUE(want.ok()) << want.status().message();

  const std::string dir = amct::testing::make_temp_dir("onnx_export_other");
  const std::string path = dir + "/m.onnx";
  const Status st = export_onnx(*g, path, {13, {og.output}});
  ASSERT_TRUE(st.is_ok()) << st.message();
  write_floats(dir + "/x.bin", std::vector<float>(x.data<float>(), x.data<float>() + x.num_elements()));
  std::string shape;
  for (int64_t d : og.shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
  const auto got = run_ort(dir, path, dir + "/x.bin", shape, "");
  const Tensor& w = (*want)[0];
  ASSERT_EQ(got.size(), static_cast<size_t>(w.num_elements()));
  EXPECT_LT(max_abs_diff(got, std::vector<float>(w.data<float>(), w.data<float>() + w.num_elements())), 1e-4f);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Assets, OnnxExportOtherGraphs,
    ::testing::Values(OtherGraph{"tf_frozen/poets_lock_mobilenet/mobilenet_v3.pb", "input_image",
                                 "MobilenetV1/Predictions/Softmax", {2, 224, 224, 3}},
                      OtherGraph{"tf_frozen/mnist_softmax/mnist.pb", "input", "softmax", {3, 784}}));

// ---- QDQ: x -> act quant-dequant -> Conv2D(int8 weights) -> BiasAdd -> Relu6
//           -> act quant-dequant -> Depthwise(int8 weights, [Cin, mult] scale) -> BiasAdd

constexpr int kN = 2, kH = 6, kW = 6, kC = 3, kCo = 4, kMult = 2;

struct QdqSpec {
  float s1 = 0.05f;
  int zp1 = 7;
  float s2 = 6.0f / 255.0f;
  int zp2 = -128;
  std::vector<int8_t> w1, w2;       // HWIO [3,3,3,4], [3,3,4,2]
  std::vector<float> sw1, sw2, b2;
  std::vector<int32_t> b1_q;   // layer 1 bias = float(b1_q) * b1_deq (float32, as TF's Cast + Mul)
  std::vector<float> b1_deq;
  std::vector<int32_t> b2_q;   // when set, layer 2's bias is an int32 chain too (instead of b2)
  std::vector<float> b2_deq;
};

graph::Node make(const std::string& name, const std::string& op, std::vector<std::string> in) {
  graph::Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(in);
  return n;
}

void add_const(graph::Graph& g, const std::string& name, Tensor t) {
  ASSERT_TRUE(g.add_node(graph::make_const_node(name, t)).is_ok());
}

void add_act_qdq(graph::Graph& g, const std::string& p, const std::string& x, float s, int zp) {
  add_const(g, p + "/inv", Tensor::scalar<float>(1.0f / s));
  add_const(g, p + "/lo", Tensor::scalar<float>(static_cast<float>(-128 - zp)));
  add_const(g, p + "/hi", Tensor::scalar<float>(static_cast<float>(127 - zp)));
  add_const(g, p + "/scale", Tensor::scalar<float>(s));
  ASSERT_TRUE(g.add_node(make(p + "/mul_inv", "Mul", {x, p + "/inv"})).is_ok());
  ASSERT_TRUE(g.add_node(make(p + "/round", "Round", {p + "/mul_inv"})).is_ok());
  ASSERT_TRUE(g.add_node(make(p + "/clip", "ClipByValue", {p + "/round", p + "/lo", p + "/hi"})).is_ok());
  ASSERT_TRUE(g.add_node(make(p + "/dequant", "Mul", {p + "/clip", p + "/scale"})).is_ok());
}

void add_weight_dequant(graph::Graph& g, const std::string& p, Tensor q, Tensor scale) {
  add_const(g, p + "/weights_int8", std::move(q));
  add_const(g, p + "/weights_scale", std::move(scale));
  graph::Node cast = make(p + "/cast", "Cast", {p + "/weights_int8"});
  cast.attrs["SrcT"] = AttrValue::of_type(DataType::kInt8);
  cast.attrs["DstT"] = AttrValue::of_type(DataType::kFloat);
  ASSERT_TRUE(g.add_node(std::move(cast)).is_ok());
  ASSERT_TRUE(g.add_node(make(p + "/weights", "Mul", {p + "/cast", p + "/weights_scale"})).is_ok());
}

// amct's bias on the int32 grid: Const int32 -> Cast(float) -> Mul(deq_scale) named p + "/biases".
void add_int32_bias(graph::Graph& g, const std::string& p, const std::vector<int32_t>& q,
                    const std::vector<float>& deq) {
  const int64_t n = static_cast<int64_t>(q.size());
  add_const(g, p + "/bias_int32", Tensor::from_vector<int32_t>({n}, q));
  graph::Node cast = make(p + "/bias_cast", "Cast", {p + "/bias_int32"});
  cast.attrs["SrcT"] = AttrValue::of_type(DataType::kInt32);
  cast.attrs["DstT"] = AttrValue::of_type(DataType::kFloat);
  ASSERT_TRUE(g.add_node(std::move(cast)).is_ok());
  add_const(g, p + "/bias_deq_scale", Tensor::from_vector<float>({n}, deq));
  ASSERT_TRUE(g.add_node(make(p + "/biases", "Mul", {p + "/bias_cast", p + "/bias_deq_scale"})).is_ok());
}

void add_conv(graph::Graph& g, const std::string& name, const std::string& op, const std::string& x,
              const std::string& w, int stride) {
  graph::Node n = make(name, op, {x, w});
  n.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  n.attrs["strides"] = AttrValue::of_ints({1, stride, stride, 1});
  n.attrs["padding"] = AttrValue::of_string("SAME");
  n.attrs["data_format"] = AttrValue::of_string("NHWC");
  ASSERT_TRUE(g.add_node(std::move(n)).is_ok());
}

graph::Graph build_qdq_graph(const QdqSpec& s) {
  graph::Graph g;
  graph::Node in = make("input", "Placeholder", {});
  in.attrs["dtype"] = AttrValue::of_type(DataType::kFloat);
  in.attrs["shape"] = AttrValue::of_shape({false, {-1, kH, kW, kC}});
  EXPECT_TRUE(g.add_node(std::move(in)).is_ok());
  add_act_qdq(g, "l1/act", "input", s.s1, s.zp1);
  add_weight_dequant(g, "l1", Tensor::from_vector<int8_t>({3, 3, kC, kCo}, s.w1),
                     Tensor::from_vector<float>({kCo}, s.sw1));
  add_conv(g, "l1/Conv2D", "Conv2D", "l1/act/dequant", "l1/weights", 2);
  // Layer 1's bias on the int32 grid, as amct writes it; layer 2's is a float Const unless b2_q is set.
  add_int32_bias(g, "l1", s.b1_q, s.b1_deq);
  EXPECT_TRUE(g.add_node(make("l1/BiasAdd", "BiasAdd", {"l1/Conv2D", "l1/biases"})).is_ok());
  EXPECT_TRUE(g.add_node(make("l1/Relu6", "Relu6", {"l1/BiasAdd"})).is_ok());
  add_act_qdq(g, "l2/act", "l1/Relu6", s.s2, s.zp2);
  add_weight_dequant(g, "l2", Tensor::from_vector<int8_t>({3, 3, kCo, kMult}, s.w2),
                     Tensor::from_vector<float>({kCo, kMult}, s.sw2));
  add_conv(g, "l2/depthwise", "DepthwiseConv2dNative", "l2/act/dequant", "l2/weights", 1);
  if (s.b2_q.empty()) {
    add_const(g, "l2/biases", Tensor::from_vector<float>({kCo * kMult}, s.b2));
  } else {
    add_int32_bias(g, "l2", s.b2_q, s.b2_deq);
  }
  EXPECT_TRUE(g.add_node(make("l2/BiasAdd", "BiasAdd", {"l2/depthwise", "l2/biases"})).is_ok());
  return g;
}

// TF's arithmetic for the graph above, in double, NHWC; `quantize` false
// drops the activation quant-dequant (what a float-only export would compute).
std::vector<float> qdq_reference(const QdqSpec& s, const std::vector<float>& x, bool quantize = true) {
  auto qdq = [quantize](float v, float scale, int zp) {
    if (!quantize) return static_cast<double>(v);
    const double q = std::nearbyint(static_cast<double>(v * (1.0f / scale)));  // half to even
    return std::clamp(q, -128.0 - zp, 127.0 - zp) * scale;
  };
  // Layer 1: 6x6 stride 2 SAME -> 3x3, pads top/left 0, bottom/right 1.
  const int h1 = 3;
  std::vector<double> y1(static_cast<size_t>(kN * h1 * h1 * kCo));
  for (int n = 0; n < kN; ++n)
    for (int oy = 0; oy < h1; ++oy)
      for (int ox = 0; ox < h1; ++ox)
        for (int co = 0; co < kCo; ++co) {
          double acc = static_cast<float>(s.b1_q[co]) * s.b1_deq[co];
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int iy = oy * 2 + ky, ix = ox * 2 + kx;
              if (iy >= kH || ix >= kW) continue;
              for (int ci = 0; ci < kC; ++ci) {
                const float xv = qdq(x[static_cast<size_t>(((n * kH + iy) * kW + ix) * kC + ci)], s.s1, s.zp1);
                const double wv = s.w1[static_cast<size_t>(((ky * 3 + kx) * kC + ci) * kCo + co)] * s.sw1[co];
                acc += xv * wv;
              }
            }
          y1[static_cast<size_t>(((n * h1 + oy) * h1 + ox) * kCo + co)] = std::clamp(acc, 0.0, 6.0);
        }
  // Layer 2: depthwise 3x3 stride 1 SAME on 3x3 -> pads 1/1.
  std::vector<float> y2(static_cast<size_t>(kN * h1 * h1 * kCo * kMult));
  for (int n = 0; n < kN; ++n)
    for (int oy = 0; oy < h1; ++oy)
      for (int ox = 0; ox < h1; ++ox)
        for (int c = 0; c < kCo; ++c)
          for (int m = 0; m < kMult; ++m) {
            double acc = s.b2[static_cast<size_t>(c * kMult + m)];
            for (int ky = 0; ky < 3; ++ky)
              for (int kx = 0; kx < 3; ++kx) {
                const int iy = oy + ky - 1, ix = ox + kx - 1;
                if (iy < 0 || ix < 0 || iy >= h1 || ix >= h1) continue;
                const float xv = qdq(static_cast<float>(y1[static_cast<size_t>(((n * h1 + iy) * h1 + ix) * kCo + c)]),
                                     s.s2, s.zp2);
                const double wv = s.w2[static_cast<size_t>(((ky * 3 + kx) * kCo + c) * kMult + m)] *
                                  s.sw2[static_cast<size_t>(c * kMult + m)];
                acc += xv * wv;
              }
            y2[static_cast<size_t>((((n * h1 + oy) * h1 + ox) * kCo + c) * kMult + m)] = static_cast<float>(acc);
          }
  return y2;
}

QdqSpec random_spec(std::mt19937& rng) {
  std::uniform_int_distribution<int> wq(-127, 127);
  std::uniform_real_distribution<float> uni(0.0f, 1.0f);
  QdqSpec s;
  for (int i = 0; i < 3 * 3 * kC * kCo; ++i) s.w1.push_back(static_cast<int8_t>(wq(rng)));
  for (int i = 0; i < 3 * 3 * kCo * kMult; ++i) s.w2.push_back(static_cast<int8_t>(wq(rng)));
  for (int i = 0; i < kCo; ++i) s.sw1.push_back(0.001f + 0.004f * uni(rng));
  for (int i = 0; i < kCo * kMult; ++i) s.sw2.push_back(0.001f + 0.01f * uni(rng));
  for (int i = 0; i < kCo; ++i) {
    s.b1_deq.push_back(s.s1 * s.sw1[static_cast<size_t>(i)]);
    s.b1_q.push_back(static_cast<int32_t>(std::nearbyint((uni(rng) - 0.3f) / s.b1_deq.back())));
  }
  for (int i = 0; i < kCo * kMult; ++i) s.b2.push_back(uni(rng) - 0.5f);
  return s;
}

// Inputs beyond the int8 grid on both sides, so the clamp at -128-zp / 127-zp matters.
std::vector<float> random_input(std::mt19937& rng) {
  std::uniform_real_distribution<float> uni(-8.0f, 8.0f);
  std::vector<float> x;
  for (int i = 0; i < kN * kH * kW * kC; ++i) x.push_back(uni(rng));
  return x;
}

TEST(OnnxExportE2E, QdqGraphMatchesTfArithmeticInOrt) {
  ASSERT_TRUE(ort_available());
  std::mt19937 rng(7);
  const QdqSpec s = random_spec(rng);
  const std::vector<float> x = random_input(rng);

  const graph::Graph g = build_qdq_graph(s);
  const std::string dir = amct::testing::make_temp_dir("onnx_qdq");
  const std::string path = dir + "/qdq.onnx";
  ExportOptions opts;
  opts.outputs = {"l2/BiasAdd"};
  const Status st = export_onnx(g, path, opts);
  ASSERT_TRUE(st.is_ok()) << st.message();
  write_floats(dir + "/x.bin", x);
  const auto got = run_ort(dir, path, dir + "/x.bin", "2,6,6,3", "");
  const auto want = qdq_reference(s, x);
  ASSERT_EQ(got.size(), want.size());
  EXPECT_LT(max_abs_diff(got, want), 1e-4f);
  // Without the activation QDQ the result is far off: the test sees a lost QuantizeLinear.
  EXPECT_GT(max_abs_diff(qdq_reference(s, x, false), want), 1e-2f);
  std::filesystem::remove_all(dir);
}

// Where ORT computes a quantized layer in float, the export's exact forms
// (exact_forms.h) make it compute amct's arithmetic: here both layers are
// (layer 1's Relu6 stays, since layer 2's quantizer reaches past 6; layer 2
// is the graph output), so ORT gives amct's INT8 runtime's output bit for bit.
TEST(OnnxExportE2E, ExactFormsGiveAmctsInt8OutputBitForBitInOrt) {
  ASSERT_TRUE(ort_available());
  std::mt19937 rng(11);
  QdqSpec s = random_spec(rng);
  s.s2 = 7.0f / 255.0f;
  std::uniform_int_distribution<int> bq(-3000, 3000);
  for (int i = 0; i < kCo * kMult; ++i) {
    s.b2_deq.push_back(s.s2 * s.sw2[static_cast<size_t>(i)]);
    s.b2_q.push_back(bq(rng));
  }
  std::vector<float> x;
  for (int rep = 0; rep < 8; ++rep) {  // 16 images: many near-ties
    const std::vector<float> more = random_input(rng);
    x.insert(x.end(), more.begin(), more.end());
  }
  const int64_t n = kN * 8;

  graph::Graph g = build_qdq_graph(s);
  const std::string dir = amct::testing::make_temp_dir("onnx_exact");
  const std::string exact = dir + "/exact.onnx", textbook = dir + "/textbook.onnx";
  ASSERT_TRUE(export_onnx(g, exact, {13, {"l2/BiasAdd"}}).is_ok());
  ASSERT_TRUE(export_onnx(g, textbook, {13, {"l2/BiasAdd"}, /*exact_rounding=*/false}).is_ok());

  auto report = runtime::lower_quantized(g);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->lowered.size(), 2u);
  ASSERT_TRUE(graph::run_import_pipeline(g, {"l2/BiasAdd"}).is_ok());
  runtime::SessionOptions one;
  one.num_threads = 1;
  auto session = runtime::Session::create(g, {"l2/BiasAdd"}, one);
  ASSERT_TRUE(session.ok()) << session.status().message();
  Tensor xt(DataType::kFloat, {n, kH, kW, kC});
  std::copy(x.begin(), x.end(), xt.data<float>());
  auto out = (*session)->run({{"input", xt}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const Tensor& w = (*out)[0];
  const std::vector<float> want(w.data<float>(), w.data<float>() + w.num_elements());

  write_floats(dir + "/x.bin", x);
  const std::string shape = std::to_string(n) + ",6,6,3";
  const auto got = run_ort(dir, exact, dir + "/x.bin", shape, "");
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0)
      << "max |diff| " << max_abs_diff(got, want);
  const auto plain = run_ort(dir, textbook, dir + "/x.bin", shape, "");
  std::printf("textbook QDQ in ORT: max |diff| %g from amct INT8 (exact forms: %g)\n", max_abs_diff(plain, want),
              max_abs_diff(got, want));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amct::onnx_export
