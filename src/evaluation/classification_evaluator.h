// Top-1/top-5 classification accuracy of a model over a labeled dataset.
// Decoding runs on the calling thread between batches so that it never
// competes with the runtime's compute threads.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/dataset.h"
#include "data/preprocess.h"
#include "graph/tensor.h"

namespace amct::evaluation {

struct ImagePrediction {
  std::string name;
  int64_t label = -1;
  std::array<int, 5> top5{};
};

struct EvalOptions {
  int batch_size = 32;
  long limit = -1;  // <0: whole dataset
  data::Preprocess preprocess = data::Preprocess::kSlim;
  int height = 224;
  int width = 224;
  bool show_progress = true;
  std::string progress_label = "eval";
};

struct EvalResult {
  long count = 0;
  long top1_hits = 0;
  long top5_hits = 0;
  double seconds = 0.0;
  std::vector<ImagePrediction> predictions;
  double top1() const { return count ? 100.0 * top1_hits / count : 0.0; }
  double top5() const { return count ? 100.0 * top5_hits / count : 0.0; }
  double images_per_second() const { return seconds > 0 ? count / seconds : 0.0; }
};

// Runs `model` on a batch [N,h,w,3] and returns its scores [N,C].
using BatchRunner = std::function<Expected<graph::Tensor>(const graph::Tensor& batch)>;

// Top-5 class indices of one score row; ties go to the lowest index.
std::array<int, 5> top5_of(const float* scores, int num_classes);

Expected<EvalResult> evaluate_classification(const BatchRunner& model, const data::Dataset& dataset,
                                             const EvalOptions& options);

// Writes `file label top1 ... top5` lines (atomic).
Status write_predictions(const std::string& path, const EvalResult& result);
// Share of images whose top-1 equals between two runs on the same dataset.
double top1_agreement(const EvalResult& a, const EvalResult& b);

}  // namespace amct::evaluation
