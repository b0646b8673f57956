// An evaluator for the tiny test net: random calibration and evaluation
// batches; the metric is 100 - 1000 * mean |output - original output|, so any
// quantization costs something and the original scores exactly 100.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "workflows/auto_calibration/evaluator.h"

namespace amct::workflows::auto_calibration::testing {

class TinyEvaluator : public Evaluator {
 public:
  explicit TinyEvaluator(double max_loss) : max_loss_(max_loss) {}

  Expected<CalibrationData> calibration_batches(int batch_num, int height, int width) override {
    CalibrationData d;
    d.num_batches = static_cast<size_t>(batch_num);
    d.num_images = 4 * batch_num;
    d.batch = [height, width](size_t i) -> Expected<graph::Tensor> { return images(4, height, width, 100 + i); };
    return d;
  }

  Expected<double> evaluate(const ModelView& model, const std::string&) override {
    ++evaluations;
    std::vector<graph::Tensor> outs;
    for (uint32_t b = 0; b < 2; ++b) {
      AMCT_ASSIGN_OR_RETURN(graph::Tensor o, model.run(images(8, model.height, model.width, 7 + b)));
      outs.push_back(o);
    }
    if (reference_.empty()) reference_ = outs;
    double diff = 0.0;
    int64_t n = 0;
    for (size_t b = 0; b < outs.size(); ++b)
      for (int64_t i = 0; i < outs[b].num_elements(); ++i, ++n)
        diff += std::fabs(outs[b].data<float>()[i] - reference_[b].data<float>()[i]);
    return 100.0 - 1000.0 * diff / static_cast<double>(n);
  }

  MetricEval metric_eval(double original, double current) const override {
    return {original - current < max_loss_, original - current};
  }
  std::optional<double> max_loss() const override { return max_loss_; }

  int evaluations = 0;

 private:
  static graph::Tensor images(int n, int h, int w, uint32_t seed) {
    graph::Tensor t(graph::DataType::kFloat, {n, h, w, 3});
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = u(rng);
    return t;
  }

  double max_loss_;
  std::vector<graph::Tensor> reference_;
};

}  // namespace amct::workflows::auto_calibration::testing
