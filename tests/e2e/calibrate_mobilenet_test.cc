// Post-training calibration of the real MobileNetV2 (SPEC B §1.1) and the
// quantized model's accuracy on the 1300 labeled images.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "evaluation/classification_evaluator.h"
#include "formats/json/quant_config.h"
#include "formats/json/quant_map.h"
#include "formats/record/record.h"
#include "runtime/session.h"
#include "test_util.h"
#include "workflows/calibrate.h"
#include "workflows/model_loader.h"

namespace amct {
namespace {

using testing::asset;

constexpr char kOutput[] = "MobilenetV2/Predictions/Reshape_1";

struct Calibrated {
  std::string dir;
  workflows::CalibrateResult result;
};

// Calibrates once per model for the whole suite (it is the expensive step).
const Calibrated& calibrated(const std::string& model_file, const std::string& output) {
  static std::map<std::string, Calibrated> cache;
  auto it = cache.find(model_file);
  if (it != cache.end()) return it->second;
  Calibrated c;
  c.dir = testing::make_temp_dir("calib");
  workflows::CalibrateOptions o;
  o.model = asset(model_file);
  o.outputs = {output};
  o.calib_dir = asset("calibration_32");
  o.batch_size = 32;
  o.save_path = c.dir + "/mobilenet_v2";
  auto r = workflows::calibrate(o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) c.result = r.value();
  return cache.emplace(model_file, c).first->second;
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
  const auto& c = calibrated("models/mobilenet_v2_1.0_224_quant_float.pb", kOutput);
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

TEST(CalibrateMobileNetV2, QuantizedTop1WithinBoundOfFloat) {
  const auto& c = calibrated("models/mobilenet_v2_1.0_224_quant_float.pb", kOutput);
  const auto fp = eval_1300(asset("models/mobilenet_v2_1.0_224_quant_float.pb"), kOutput);
  const auto q = eval_1300(c.dir + "/mobilenet_v2_quantized.pb", kOutput);
  const double agreement = evaluation::top1_agreement(fp, q);
  std::printf("float top-1 %.3f, quantized top-1 %.3f, agreement %.2f %%\n", fp.top1(), q.top1(), agreement);
  EXPECT_NEAR(fp.top1(), 79.538, 0.2);
  EXPECT_GE(q.top1(), fp.top1() - 0.3);
  // Measured 94.5 % with IFMR (HFMG 94.1 %, min-max 94.7 %); issue 3's target of
  // 98 % is not reached yet, so this guards the current level against regressions.
  EXPECT_GE(agreement, 93.5);
}

}  // namespace
}  // namespace amct
