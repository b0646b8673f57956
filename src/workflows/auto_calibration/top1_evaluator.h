// The built-in evaluator of `amct auto-calibrate`: top-1 accuracy (percent)
// over a labeled dataset, satisfied while original - new < max_loss points,
// as in AMCT's MobileNetV2 sample (SPEC B §1.4). Calibration batches come
// from a separate image folder.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "data/dataset.h"
#include "data/preprocess.h"
#include "workflows/auto_calibration/evaluator.h"

namespace amct::workflows::auto_calibration {

struct Top1EvaluatorOptions {
  std::string dataset;    // labeled: labels.csv folder or ImageNet TFRecords
  std::string keyword;    // TFRecord file-name filter
  std::string calib_dir;  // calibration images (labels unused)
  int batch_size = 32;
  int num_parallel_reads = 4;  // >1: the next batch is decoded while the current one runs
  double max_loss = 0.5;       // top-1 points
  long limit = -1;             // <0: every image of the dataset
  data::Preprocess preprocess = data::Preprocess::kSlim;
  size_t cache_mb = 1024;      // decoded evaluation batches kept between evaluations
};

class Top1Evaluator : public Evaluator {
 public:
  static Expected<std::unique_ptr<Top1Evaluator>> create(const Top1EvaluatorOptions& options);
  Expected<CalibrationData> calibration_batches(int batch_num, int height, int width) override;
  Expected<double> evaluate(const ModelView& model, const std::string& label) override;
  MetricEval metric_eval(double original, double current) const override;
  std::optional<double> max_loss() const override { return opts_.max_loss; }
  std::string cache_key() const override;
  std::string describe() const override;
  size_t num_images() const { return total_; }

 private:
  struct Batch {
    graph::Tensor images;
    std::vector<int64_t> labels;
  };
  Top1Evaluator() = default;
  Expected<Batch> load(size_t index, int height, int width) const;
  Status check_labels(const Batch& b, size_t first, int num_classes) const;

  Top1EvaluatorOptions opts_;
  std::unique_ptr<data::Dataset> dataset_;
  std::unique_ptr<data::Dataset> calib_;
  size_t total_ = 0;
  std::map<size_t, Batch> cache_;  // batch index -> decoded batch (same input size for a run)
  int cache_height_ = 0, cache_width_ = 0;
  size_t cache_bytes_ = 0;
};

}  // namespace amct::workflows::auto_calibration
