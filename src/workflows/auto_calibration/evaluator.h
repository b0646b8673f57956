// The user side of accuracy-based auto calibration (AMCT's
// AutoCalibrationEvaluatorBase, SPEC B §2): the calibration data, a metric of
// a model, and the rule that says whether a metric is close enough to the
// original model's.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::workflows::auto_calibration {

// (satisfied, loss) as AMCT's metric_eval returns it.
struct MetricEval {
  bool satisfied = false;
  double loss = 0.0;
};

// What an evaluator sees of a model: its image input size and one forward of
// a batch [N, height, width, 3] to the model's first output.
struct ModelView {
  int height = 224;
  int width = 224;
  std::function<Expected<graph::Tensor>(const graph::Tensor& batch)> run;
};

// The batches fed through the float model while calibrating; batch(i) is
// called for i in [0, num_batches), once per calibration pass.
struct CalibrationData {
  size_t num_batches = 0;
  int64_t num_images = 0;  // over all batches
  std::function<Expected<graph::Tensor>(size_t index)> batch;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // AMCT's calibration(): `batch_num` batches (config.json's batch_num) at the model's input size.
  virtual Expected<CalibrationData> calibration_batches(int batch_num, int height, int width) = 0;
  // AMCT's evaluate(): the metric of `model`; `label` names the run in progress lines.
  virtual Expected<double> evaluate(const ModelView& model, const std::string& label) = 0;
  // AMCT's metric_eval(original, new).
  virtual MetricEval metric_eval(double original, double current) const = 0;
  // The loss bound, when the evaluator has one (for reports and the predictive strategy).
  virtual std::optional<double> max_loss() const { return std::nullopt; }
  // Identifies the data and settings behind evaluate(), so the original model's
  // metric can be reused across runs; empty: never cached.
  virtual std::string cache_key() const { return ""; }
  // One line for logs and the report, e.g. "top-1 over 1300 images of DIR".
  virtual std::string describe() const { return "user evaluator"; }
};

}  // namespace amct::workflows::auto_calibration
