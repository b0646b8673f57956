// A decoder with a Conv2DBackpropInput through amct's whole PTQ flow: the
// calibration forward passes run the transposed convolution on the fp32
// runtime, save_model quantizes it (weights per output channel), the saved
// fake-quant model runs close to the float one, and the INT8 lowering leaves
// the transposed convolution to the fp32 simulation while lowering the Conv2D.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "api/amct.h"
#include "formats/record/record.h"
#include "formats/tf/graphdef_reader.h"
#include "formats/tf/graphdef_writer.h"
#include "graph/passes/pipeline.h"
#include "runtime/int8/lower_quantized.h"
#include "runtime/session.h"
#include "test_util.h"
#include "unit/runtime/runtime_test_util.h"
#include "workflows/model_loader.h"

namespace amct {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Node;
using graph::Tensor;

using runtime::testing::const_node;
using runtime::testing::make_node;

Tensor normal(graph::Shape shape, uint32_t seed, float sd, float mean = 0.0f) {
  Tensor t(DataType::kFloat, std::move(shape));
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(mean, sd);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

Tensor images(int64_t n, uint32_t seed) {
  Tensor t(DataType::kFloat, {n, 9, 9, 3});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

std::map<std::string, AttrValue> window(int64_t stride) {
  return {{"strides", AttrValue::of_ints({1, stride, stride, 1})},
          {"padding", AttrValue::of_string("SAME")},
          {"data_format", AttrValue::of_string("NHWC")},
          {"T", AttrValue::of_type(DataType::kFloat)}};
}

// input [-1,9,9,3] -> Conv2D 3x3 s2 (3->8) -> BiasAdd -> Relu ->
// Conv2DBackpropInput 3x3 s2 (8->4, back to 9x9; input_sizes built from the
// batch like Keras' Conv2DTranspose) -> BiasAdd "out".
graph::Graph decoder() {
  graph::Graph g;
  auto add = [&](Node n) { EXPECT_TRUE(g.add_node(std::move(n)).is_ok()); };
  graph::ShapeAttr s;
  s.dims = {-1, 9, 9, 3};
  add(make_node("input", "Placeholder", {}, {{"dtype", AttrValue::of_type(DataType::kFloat)}, {"shape", AttrValue::of_shape(s)}}));
  add(const_node("conv1/weights", normal({3, 3, 3, 8}, 1, 0.3f)));
  add(make_node("conv1/Conv2D", "Conv2D", {"input", "conv1/weights"}, window(2)));
  add(const_node("conv1/bias", normal({8}, 2, 0.1f)));
  add(make_node("conv1/BiasAdd", "BiasAdd", {"conv1/Conv2D", "conv1/bias"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  add(make_node("conv1/Relu", "Relu", {"conv1/BiasAdd"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  add(make_node("up/Shape", "Shape", {"conv1/Relu"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  add(const_node("up/begin", Tensor::from_vector<int32_t>({1}, {0})));
  add(const_node("up/end", Tensor::from_vector<int32_t>({1}, {1})));
  add(const_node("up/step", Tensor::from_vector<int32_t>({1}, {1})));
  add(make_node("up/batch", "StridedSlice", {"up/Shape", "up/begin", "up/end", "up/step"},
           {{"shrink_axis_mask", AttrValue::of_int(1)}, {"T", AttrValue::of_type(DataType::kInt32)},
            {"Index", AttrValue::of_type(DataType::kInt32)}}));
  add(const_node("up/h", Tensor::from_vector<int32_t>({}, {9})));
  add(const_node("up/c", Tensor::from_vector<int32_t>({}, {4})));
  add(make_node("up/output_shape", "Pack", {"up/batch", "up/h", "up/h", "up/c"},
           {{"N", AttrValue::of_int(4)}, {"axis", AttrValue::of_int(0)}, {"T", AttrValue::of_type(DataType::kInt32)}}));
  add(const_node("up/weights", normal({3, 3, 4, 8}, 3, 0.3f)));
  add(make_node("up/conv2d_transpose", "Conv2DBackpropInput", {"up/output_shape", "up/weights", "conv1/Relu"}, window(2)));
  add(const_node("up/bias", normal({4}, 4, 0.1f)));
  add(make_node("out", "BiasAdd", {"up/conv2d_transpose", "up/bias"}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
  return g;
}

Tensor run_model(const graph::Graph& g, const std::string& input, const Tensor& x) {
  auto session = runtime::Session::create(g, {"out"});
  EXPECT_TRUE(session.ok()) << session.status().message();
  if (!session.ok()) return Tensor();
  auto out = (*session)->run({{input, x}});
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? (*out)[0] : Tensor();
}

// rms(a - b) / rms(b), and max |a - b| / max |b|.
std::pair<double, double> relative_errors(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  if (a.shape() != b.shape()) return {INFINITY, INFINITY};
  double sq_diff = 0.0, sq_ref = 0.0, max_diff = 0.0, max_ref = 0.0;
  for (int64_t i = 0; i < a.num_elements(); ++i) {
    const double d = static_cast<double>(a.data<float>()[i]) - b.data<float>()[i];
    sq_diff += d * d;
    sq_ref += static_cast<double>(b.data<float>()[i]) * b.data<float>()[i];
    max_diff = std::max(max_diff, std::fabs(d));
    max_ref = std::max(max_ref, std::fabs(static_cast<double>(b.data<float>()[i])));
  }
  return {std::sqrt(sq_diff / sq_ref), max_diff / max_ref};
}

// The weights the saved model feeds `layer` (its int8 chain folded at import)
// are integers k with k * step within half a step of the original, per output
// channel (dim 2): the layer sums integers and is dequantized after.
void expect_weights_on_channel_grid(const graph::Graph& quantized, const Tensor& original,
                                    const std::vector<float>& scale_w) {
  const Node* up = quantized.find("up/conv2d_transpose");
  ASSERT_NE(up, nullptr);
  const Node* w = quantized.find(up->data_input(1).node);
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->op, "Const") << w->name;
  const Tensor& q = w->attr("value")->tensor;
  ASSERT_EQ(q.shape(), original.shape());
  const int64_t channels = original.dim(2), inner = original.dim(3);
  ASSERT_EQ(static_cast<int64_t>(scale_w.size()), channels);
  for (int64_t i = 0; i < q.num_elements(); ++i) {
    const float step = scale_w[static_cast<size_t>((i / inner) % channels)];
    const float k = q.data<float>()[i], want = original.data<float>()[i];
    ASSERT_EQ(k, std::round(k)) << i;
    ASSERT_LE(std::fabs(k * step - want), 0.5f * step * 1.001f) << i;
  }
}

TEST(DeconvQuantize, CalibratesSavesAndRunsInSimulationAndInt8) {
  const std::string dir = testing::make_temp_dir("deconv_quant");
  const std::string pb = dir + "/decoder.pb";
  ASSERT_TRUE(tf::write_graphdef(pb, decoder()).is_ok());
  const std::string config = dir + "/config.json", record = dir + "/record.txt";
  constexpr int kBatches = 2;
  Status st = create_quant_config(config, pb, {}, kBatches);
  ASSERT_TRUE(st.is_ok()) << st.message();

  auto calib = quantize_model(pb, {"out"}, config, record);
  ASSERT_TRUE(calib.ok()) << calib.status().message();
  for (int pass = 0; pass < (*calib)->num_passes(); ++pass)
    for (int b = 0; b < kBatches; ++b) {
      st = (*calib)->forward(pass, images(4, static_cast<uint32_t>(10 + b)));
      ASSERT_TRUE(st.is_ok()) << st.message();
    }
  st = (*calib)->finish();
  ASSERT_TRUE(st.is_ok()) << st.message();
  auto rec = record::read_record(record);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  const record::LayerRecord* up = rec->find("up/conv2d_transpose");
  ASSERT_NE(up, nullptr);
  EXPECT_TRUE(up->scale_d.has_value());
  EXPECT_EQ(up->scale_w.size(), 4u);  // per output channel (filter dim 2)

  auto saved = save_model(pb, {"out"}, record, dir + "/decoder");
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->quantized_layers, 2u);

  // The fake-quant model on the fp32 runtime, against the float model.
  auto fp = workflows::load_model(pb, {"out"});
  ASSERT_TRUE(fp.ok()) << fp.status().message();
  auto sim = workflows::load_model(saved->model_path, {"out"});
  ASSERT_TRUE(sim.ok()) << sim.status().message();
  const Tensor x = images(3, 99);
  const Tensor y_fp = run_model(fp->graph, fp->input_name, x);
  const Tensor y_sim = run_model(sim->graph, sim->input_name, x);
  ASSERT_EQ(y_fp.shape(), (graph::Shape{3, 9, 9, 4}));
  const auto [sim_rms, sim_max] = relative_errors(y_sim, y_fp);
  std::printf("fake-quant vs float: rms error %.4f, max error %.4f of the output range\n", sim_rms, sim_max);
  // IFMR clips the heavy Relu tail feeding the transposed convolution at 0.79
  // of its max here: that costs ~6% (with the clip opened, ~1%).
  EXPECT_GT(sim_rms, 0.0);  // the quant ops are there
  EXPECT_LT(sim_rms, 0.1);
  EXPECT_LT(sim_max, 0.25);
  expect_weights_on_channel_grid(sim->graph, normal({3, 3, 4, 8}, 3, 0.3f), up->scale_w);

  // INT8: the Conv2D is lowered, the transposed convolution keeps its
  // fake-quant simulation and the graph still runs.
  auto g = tf::read_graphdef(saved->model_path);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto report = runtime::lower_quantized(*g);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->lowered, (std::vector<std::string>{"conv1/Conv2D"}));
  for (const std::string& u : report->unmatched) std::printf("not lowered: %s\n", u.c_str());
  ASSERT_EQ(report->unmatched.size(), 1u);
  EXPECT_NE(report->unmatched[0].find("no INT8 kernel for Conv2DBackpropInput"), std::string::npos)
      << report->unmatched[0];
  ASSERT_TRUE(graph::run_import_pipeline(*g, {"out"}).is_ok());
  const graph::Node* deconv = g->find("up/conv2d_transpose");
  ASSERT_NE(deconv, nullptr);
  EXPECT_EQ(deconv->op, "Conv2DBackpropInput");
  const Tensor y_int8 = run_model(*g, sim->input_name, x);
  const auto [int8_rms, int8_max] = relative_errors(y_int8, y_sim);
  std::printf("INT8 vs fake-quant: rms error %.6f, max error %.6f of the output range\n", int8_rms, int8_max);
  EXPECT_LT(int8_max, 0.01);
}

}  // namespace
}  // namespace amct
