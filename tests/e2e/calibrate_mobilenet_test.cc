// Post-training calibration of the real MobileNetV2 (SPEC B §1.1) and the
// quantized model's accuracy on the 1300 labeled images.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "evaluation/classification_evaluator.h"
#include "formats/json/quant_config.h"
#include "formats/json/quant_map.h"
#include "formats/record/record.h"
#include "formats/tf/graphdef_reader.h"
#include "runtime/session.h"
#include "test_util.h"
#include "workflows/calibrate.h"
#include "workflows/model_loader.h"

namespace amct {
namespace {

using testing::asset;

constexpr char kOutput[] = "MobilenetV2/Predictions/Reshape_1";
// 98 % (issue 3); measured 98.00 % (TF1) and 98.62 % (tf2): the epsilon keeps an exact
// 1274/1300 from failing on float rounding.
constexpr double kMinAgreement = 98.0 - 1e-6;

struct Calibrated {
  std::string dir;
  workflows::CalibrateResult result;
  float first_scale_d = 1.0f;  // the first record's scale_d
};

// Calibrates once per model for the whole suite (it is the expensive step).
// `preprocess`: slim (as amct eval) for accuracy; sample (AMCT's sample flow, input
// [-1, 0.992]) for the record checks.
const Calibrated& calibrated(const std::string& model_file, const std::string& output,
                             data::Preprocess preprocess = data::Preprocess::kSlim) {
  static std::map<std::string, Calibrated> cache;
  const std::string key = model_file + (preprocess == data::Preprocess::kSlim ? ":slim" : ":sample");
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Calibrated c;
  c.dir = testing::make_temp_dir("calib");
  workflows::CalibrateOptions o;
  o.model = asset(model_file);
  o.outputs = {output};
  o.calib_dir = asset("calibration_32");
  o.batch_size = 32;
  o.save_path = c.dir + "/mobilenet_v2";
  o.preprocess = preprocess;
  auto r = workflows::calibrate(o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) c.result = r.value();
  auto rec = record::read_record(c.dir + "/record.txt");
  const record::LayerRecord* first = rec.ok() ? rec->find("MobilenetV2/Conv/Conv2D") : nullptr;
  if (first != nullptr && first->scale_d) c.first_scale_d = *first->scale_d;
  return cache.emplace(key, c).first->second;
}

evaluation::EvalResult eval_1300(const std::string& model_path, const std::string& output) {
  auto model = workflows::load_model(model_path, {output});
  EXPECT_TRUE(model.ok()) << model.status().message();
  auto session = runtime::Session::create(model->graph, model->outputs);
  EXPECT_TRUE(session.ok()) << session.status().message();
  auto ds = data::open_dataset(asset("imagenet_val_1300"));
  EXPECT_TRUE(ds.ok()) << ds.status().message();
  evaluation::EvalOptions eo;
  eo.show_progress = false;
  auto runner = [&](const graph::Tensor& batch) -> Expected<graph::Tensor> {
    AMCT_ASSIGN_OR_RETURN(auto outs, session.value()->run({{model->input_name, batch}}));
    return outs.at(0);
  };
  auto res = evaluation::evaluate_classification(runner, **ds, eo);
  EXPECT_TRUE(res.ok()) << res.status().message();
  return res.ok() ? res.value() : evaluation::EvalResult{};
}

TEST(CalibrateMobileNetV2, WritesAllOutputsAnd54Records) {
  const auto& c = calibrated("models/mobilenet_v2_1.0_224_quant_float.pb", kOutput, data::Preprocess::kSample);
  for (const char* f : {"config.json", "record.txt", "mobilenet_v2_quantized.pb", "mobilenet_v2_quant.json"})
    EXPECT_TRUE(std::filesystem::exists(c.dir + "/" + f)) << f;
  auto rec = record::read_record(c.dir + "/record.txt");
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->layers.size(), 54u);
  const record::LayerRecord* first = rec->find("MobilenetV2/Conv/Conv2D");
  ASSERT_NE(first, nullptr);
  EXPECT_FLOAT_EQ(*first->scale_d, 1.0f / 128.0f);
  EXPECT_EQ(*first->offset_d, 0);
  EXPECT_EQ(first->scale_w.size(), 32u);
  // Layers fed by ReLU6 get the whole int8 range on [0, r*6]: offset -128.
  for (const char* name : {"MobilenetV2/expanded_conv/depthwise/depthwise",
                           "MobilenetV2/expanded_conv_1/project/Conv2D", "MobilenetV2/Logits/AvgPool"}) {
    const record::LayerRecord* r = rec->find(name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_EQ(*r->offset_d, -128) << name;
  }
  auto map = quantmap::read_quant_map(c.dir + "/mobilenet_v2_quant.json");
  ASSERT_TRUE(map.ok()) << map.status().message();
  EXPECT_EQ(map->layers.size(), 54u);
  EXPECT_TRUE(map->float_layers.empty());
}

void expect_within_bound(const std::string& model_file, const std::string& output, double float_top1,
                         double min_agreement) {
  const auto& c = calibrated(model_file, output);
  const auto fp = eval_1300(asset(model_file), output);
  const auto q = eval_1300(c.dir + "/mobilenet_v2_quantized.pb", output);
  const double agreement = evaluation::top1_agreement(fp, q);
  std::printf("%s: float top-1 %.3f, quantized top-1 %.3f, agreement %.2f %%\n", model_file.c_str(), fp.top1(),
              q.top1(), agreement);
  EXPECT_NEAR(fp.top1(), float_top1, 0.2);
  EXPECT_GE(q.top1(), fp.top1() - 0.3);
  EXPECT_GE(agreement, min_agreement);
}

// Issue 3's bar: top-1 no more than 0.3 below float and agreement >= 98 % (see
// docs/CALIBRATION.md for the measured figures and what got there).
TEST(CalibrateMobileNetV2, QuantizedTop1WithinBoundOfFloat) {
  expect_within_bound("models/mobilenet_v2_1.0_224_quant_float.pb", kOutput, 79.538, kMinAgreement);
}

TEST(CalibrateMobileNetV2, Tf2ModelWithinBoundOfFloat) {
  expect_within_bound("models/tf2_mobilenet_v2_1.0_224_ptq_float.pb", "Identity", 78.615, kMinAgreement);
}

// --target ascend from the same record: AMCT's op form, which amct's runtime refuses by name.
TEST(CalibrateMobileNetV2, AscendTargetFromTheRecord) {
  const auto& c = calibrated("models/mobilenet_v2_1.0_224_quant_float.pb", kOutput);
  const std::string save = c.dir + "/ascend/mobilenet_v2";
  std::filesystem::create_directories(c.dir + "/ascend");
  auto saved = workflows::convert_model(asset("models/mobilenet_v2_1.0_224_quant_float.pb"), {kOutput},
                                        c.dir + "/record.txt", save, workflows::SaveTarget::kAscend);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->quantized_layers, 54u);
  auto g = tf::read_graphdef(saved->model_path);
  ASSERT_TRUE(g.ok()) << g.status().message();
  size_t quant = 0, wquant = 0, dequant = 0;
  for (size_t i = 0; i < g->size(); ++i) {
    quant += g->node(i).op == "AscendQuant";
    wquant += g->node(i).op == "AscendWeightQuant";
    dequant += g->node(i).op == "AscendDequant";
  }
  EXPECT_EQ(quant, 54u);
  EXPECT_EQ(wquant, 53u);  // AvgPool has no weights
  EXPECT_EQ(dequant, 54u);
  const graph::Node* q = g->find("MobilenetV2/Conv/Conv2D/act_quant/AscendQuant");
  ASSERT_NE(q, nullptr);
  EXPECT_FLOAT_EQ(q->attr_float_or("scale", 0), 1.0f / c.first_scale_d);
  auto model = workflows::load_model(saved->model_path, {kOutput});
  Status st = model.ok() ? runtime::Session::create(model->graph, model->outputs).status() : model.status();
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("Ascend"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace amct
