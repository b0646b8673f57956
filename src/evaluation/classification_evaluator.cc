#include "evaluation/classification_evaluator.h"

#include <algorithm>
#include <sstream>

#include "core/atomic_write.h"
#include "core/progress.h"

namespace amct::evaluation {

std::array<int, 5> top5_of(const float* scores, int num_classes) {
  std::array<int, 5> best;
  best.fill(-1);
  for (int c = 0; c < num_classes; ++c) {
    // Insert c keeping best sorted by descending score; strict '>' keeps the lower index on ties.
    for (int k = 0; k < 5; ++k) {
      if (best[k] < 0 || scores[c] > scores[best[k]]) {
        for (int j = 4; j > k; --j) best[j] = best[j - 1];
        best[k] = c;
        break;
      }
    }
  }
  return best;
}

Expected<EvalResult> evaluate_classification(const BatchRunner& model, const data::Dataset& dataset,
                                             const EvalOptions& options) {
  if (options.batch_size <= 0) return error("batch size must be positive, got {}", options.batch_size);
  size_t total = dataset.size();
  if (options.limit >= 0 && static_cast<size_t>(options.limit) < total) total = static_cast<size_t>(options.limit);
  if (total == 0) return error("{}: the dataset has no images", dataset.describe());
  EvalResult result;
  result.predictions.reserve(total);
  Progress progress(options.progress_label, static_cast<long>(total), "img");
  for (size_t begin = 0; begin < total; begin += static_cast<size_t>(options.batch_size)) {
    const size_t count = std::min(total - begin, static_cast<size_t>(options.batch_size));
    std::vector<int64_t> labels;
    AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, data::load_batch(dataset, begin, count, options.preprocess,
                                                                options.height, options.width, &labels));
    AMCT_ASSIGN_OR_RETURN(graph::Tensor scores, model(batch));
    if (scores.dtype() != graph::DataType::kFloat || scores.num_elements() % static_cast<int64_t>(count) != 0)
      return error("model output {} {} does not hold one score row per image",
                   graph::dtype_name(scores.dtype()), graph::shape_str(scores.shape()));
    const int classes = static_cast<int>(scores.num_elements() / static_cast<int64_t>(count));
    for (size_t i = 0; i < count; ++i) {
      ImagePrediction p;
      AMCT_ASSIGN_OR_RETURN(data::Sample s, dataset.get(begin + i));
      p.name = s.name;
      p.label = labels[i];
      p.top5 = top5_of(scores.data<float>() + i * static_cast<size_t>(classes), classes);
      if (p.label < 0) return error("{}: image '{}' has no label", dataset.describe(), p.name);
      if (p.label >= classes)
        return error("{}: image '{}' has label {} but the model has {} classes", dataset.describe(), p.name,
                     p.label, classes);
      if (p.top5[0] == p.label) ++result.top1_hits;
      if (std::find(p.top5.begin(), p.top5.end(), static_cast<int>(p.label)) != p.top5.end()) ++result.top5_hits;
      result.predictions.push_back(std::move(p));
    }
    result.count += static_cast<long>(count);
    if (options.show_progress) progress.update(result.count);
  }
  if (options.show_progress) progress.finish();
  result.seconds = progress.elapsed_seconds();
  return result;
}

Status write_predictions(const std::string& path, const EvalResult& result) {
  std::ostringstream out;
  for (const auto& p : result.predictions) {
    out << p.name << ' ' << p.label;
    for (int c : p.top5) out << ' ' << c;
    out << '\n';
  }
  return write_file_atomic(path, out.str());
}

double top1_agreement(const EvalResult& a, const EvalResult& b) {
  const size_t n = std::min(a.predictions.size(), b.predictions.size());
  if (n == 0) return 0.0;
  size_t same = 0;
  for (size_t i = 0; i < n; ++i) same += a.predictions[i].top5[0] == b.predictions[i].top5[0];
  return 100.0 * static_cast<double>(same) / static_cast<double>(n);
}

}  // namespace amct::evaluation
