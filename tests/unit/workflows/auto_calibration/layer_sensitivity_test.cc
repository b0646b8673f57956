#include "workflows/auto_calibration/layer_sensitivity.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "formats/json/quant_config.h"
#include "test_util.h"
#include "unit/workflows/auto_calibration/auto_calibration_test_util.h"
#include "unit/workflows/auto_calibration/tiny_evaluator.h"
#include "workflows/calibration_session.h"
#include "workflows/save_model.h"

namespace amct::workflows::auto_calibration {
namespace {

struct Calibrated {
  LoadedModel model;
  graph::Graph folded;
  record::Record record;
  std::vector<quant::QuantizableLayer> layers;
  CalibrationData data;
};

Calibrated calibrate(bool outlier, bool per_tensor_conv1, testing::TinyEvaluator& ev) {
  Calibrated c;
  const std::string dir = amct::testing::make_temp_dir("sens");
  auto m = load_model(testing::write_tiny_model(dir, outlier), {"prob"});
  EXPECT_TRUE(m.ok()) << m.status().message();
  c.model = *m;
  c.folded = c.model.graph;
  config::LayerList named;
  for (const auto& l : quant::find_quantizable_layers(c.folded)) named.emplace_back(l.name, l.op);
  config::QuantConfig cfg = config::make_default_quant_config(named, {});
  if (per_tensor_conv1) cfg.find("conv1/Conv2D")->wts.channel_wise = false;
  EXPECT_TRUE(config::bind_quant_config(cfg, "cfg", named).is_ok());
  auto session = CalibrationSession::create(c.folded, c.model.outputs, cfg, 1);
  EXPECT_TRUE(session.ok()) << session.status().message();
  c.data = *ev.calibration_batches(2, 8, 8);
  for (int pass = 0; pass < (*session)->num_passes(); ++pass)
    for (size_t b = 0; b < c.data.num_batches; ++b)
      EXPECT_TRUE((*session)->feed(pass, c.model.input_name, *c.data.batch(b), c.data.num_images).is_ok());
  auto rec = (*session)->finish();
  EXPECT_TRUE(rec.ok()) << rec.status().message();
  c.record = *rec;
  c.layers = quant::find_quantizable_layers(c.folded);
  return c;
}

SensitivityJob job_for(const Calibrated& c, const Sensitivity& s) {
  SensitivityJob j;
  j.model = &c.model;
  j.folded = &c.folded;
  j.layers = c.layers;
  j.record = &c.record;
  j.data = &c.data;
  j.sensitivity = &s;
  j.threads = 1;
  return j;
}

TEST(LayerSensitivity, SingleLayerNetReproducesTheLayer) {
  testing::TinyEvaluator ev(1.0);
  const Calibrated c = calibrate(false, false, ev);
  const quant::QuantizableLayer& dw = c.layers[1];
  ASSERT_EQ(dw.name, "dw/depthwise");
  auto g = single_layer_graph(c.folded, dw, 4, "x");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->size(), 3u);  // x, the weights, the layer
  // Fed the layer's real input, it gives the layer's real output.
  runtime::SessionOptions opts;
  opts.observed_tensors = {dw.data_input.str(), dw.name};
  auto full = runtime::Session::create(c.folded, c.model.outputs, opts);
  ASSERT_TRUE(full.ok());
  graph::Tensor in, out;
  auto batch = c.data.batch(0);
  ASSERT_TRUE(batch.ok());
  ASSERT_TRUE((*full)->run({{"input", *batch}}, [&](const std::string& n, const graph::Tensor& t) {
                 if (n == dw.data_input.str()) in = t;
                 if (n == dw.name) out = t;
               }).ok());
  auto single = runtime::Session::create(*g, {dw.name});
  ASSERT_TRUE(single.ok()) << single.status().message();
  auto got = (*single)->run({{"x", in}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ((*got)[0].num_elements(), out.num_elements());
  for (int64_t i = 0; i < out.num_elements(); ++i) EXPECT_NEAR((*got)[0].data<float>()[i], out.data<float>()[i], 1e-5);
}

TEST(LayerSensitivity, CosineScoresEveryLayer) {
  testing::TinyEvaluator ev(1.0);
  const Calibrated c = calibrate(false, false, ev);
  auto cos = make_sensitivity("cosine");
  auto s = measure_sensitivities(job_for(c, **cos));
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->size(), 4u);
  for (const auto& l : *s) {
    EXPECT_GT(l.cosine, 0.9) << l.layer;
    EXPECT_LE(l.cosine, 1.0 + 1e-12) << l.layer;
    EXPECT_DOUBLE_EQ(l.value, l.cosine);
    EXPECT_FALSE(l.output_kl.has_value());
  }
  const RankingInfo r = ranking_from(*s);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].first, "conv1/Conv2D");  // layer order
}

TEST(LayerSensitivity, OutputKlFindsTheLayerThatHurtsTheOutput) {
  testing::TinyEvaluator ev(1.0);
  const Calibrated c = calibrate(true, true, ev);
  auto kl = make_sensitivity("output-kl");
  auto s = measure_sensitivities(job_for(c, **kl));
  ASSERT_TRUE(s.ok()) << s.status().message();
  const RankingInfo sorted = sort_ranking(ranking_from(*s));
  EXPECT_EQ(sorted.front().first, "conv1/Conv2D");
  for (const auto& l : *s) {
    ASSERT_TRUE(l.output_kl.has_value());
    EXPECT_EQ(l.images, 8);
    EXPECT_NEAR(l.value, std::exp(-*l.output_kl), 0.05) << l.layer;
    std::printf("%s: cosine %.6f, output KL %.6f, flips %d/%d\n", l.layer.c_str(), l.cosine, *l.output_kl,
                l.top1_flips, l.images);
  }
  // The local cosine barely sees it (the huge channel dominates the output's
  // norm); at the network output it stands out by orders of magnitude.
  EXPECT_GT((*s)[0].cosine, 0.99);
  for (size_t i = 1; i < s->size(); ++i) EXPECT_GT(*(*s)[0].output_kl, 100.0 * *(*s)[i].output_kl);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
